/**
 * Loads a TensorFlow.js model (layers or graph) from a folder on disk without tfjs-node, whose
 * `file://` handler is the only one that reads files: model.json plus the weight shards its
 * manifest lists, read with fs. Shard paths must stay inside the folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** model.json past this is not a model we mean to parse (both shipped ones are under 40 KB). */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Weights past this would not fit a desktop app's engine process comfortably. */
const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;

export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
}

/** The parsed model.json, as tfjs's converters write it. */
export type ModelJson = tf.io.ModelJSON;

export async function readModelJson(dir: string): Promise<{ json: ModelJson; bytes: Buffer }> {
  const path = join(dir, 'model.json');
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.size > MAX_MODEL_JSON_BYTES) throw new ModelFolderError(`${path} is ${info.size} bytes; that is not a model.json`);
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof ModelFolderError) throw e;
    throw new ModelFolderError(`no model.json in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ModelFolderError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const j = json as Partial<ModelJson>;
  if (typeof j !== 'object' || j === null || typeof j.modelTopology !== 'object' || !Array.isArray(j.weightsManifest)) {
    throw new ModelFolderError(`${path} is not a TensorFlow.js model (it needs modelTopology and weightsManifest)`);
  }
  return { json: j as ModelJson, bytes };
}

/** Concatenates every shard in manifest order, as tfjs's http handler does. */
async function readWeights(dir: string, manifest: tf.io.WeightsManifestConfig): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const root = resolve(dir);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  let total = 0;
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const rel of group.paths) {
      const path = resolve(root, rel);
      if (!path.startsWith(root + sep)) throw new ModelFolderError(`weight file "${rel}" points outside ${dir}`);
      let buf: Buffer;
      try {
        buf = await readFile(path);
      } catch (e) {
        throw new ModelFolderError(`weight file ${rel} is missing from ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      total += buf.byteLength;
      if (total > MAX_WEIGHT_BYTES) throw new ModelFolderError(`the weights in ${dir} exceed ${MAX_WEIGHT_BYTES / 2 ** 20} MiB`);
      buffers.push(buf);
    }
  }
  const all = Buffer.concat(buffers, total);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(s), 0);
  if (expected !== total) throw new ModelFolderError(`the weight files in ${dir} hold ${total} bytes; model.json describes ${expected}`);
  return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
}

function bytesPerElement(spec: tf.io.WeightsManifestEntry): number {
  if (spec.quantization) return spec.quantization.dtype === 'uint8' ? 1 : 2;
  if (spec.dtype === 'bool') return 1;
  return 4;
}

/** A tf.io.IOHandler over a folder: pass it to tf.loadLayersModel or tf.loadGraphModel. */
export function diskModelHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const { json } = await readModelJson(dir);
      return tf.io.getModelArtifactsForJSON(json, (manifest) => readWeights(dir, manifest));
    },
  };
}

/** "layers-model" or "graph-model", from the format field or, in older exports, the topology. */
export function modelFormat(json: ModelJson): 'layers-model' | 'graph-model' {
  if (json.format === 'graph-model' || json.format === 'layers-model') return json.format;
  const topology = json.modelTopology as { node?: unknown; model_config?: unknown; class_name?: unknown };
  return Array.isArray(topology.node) ? 'graph-model' : 'layers-model';
}
