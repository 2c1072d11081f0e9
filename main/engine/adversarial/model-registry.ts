/**
 * The image classifiers the Adversarial lab knows by name (models/manifest.json) and where
 * their files are found. Weights never ship with the app: a named model is read from
 * `DESCENT_MODELS_DIR/<name>/`, checked against the manifest's sha256 of model.json; any other
 * folder holding a model.json (and optionally labels.json) can be opened directly. Downloading
 * into a cache, and the order in which the folder, the cache and the download are tried, are in
 * model-fetch.ts; here a named model that is not on disk raises ModelNotAvailableError.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { shippedPath } from '../shipped-files';
import { ModelFolderError, modelFormat, readModelJson } from './disk-io-handler';

/** How a pixel p in 0..255 becomes the model's input. */
export type InputScaling = 'pixel/255' | 'pixel/127.5-1';
export const INPUT_SCALINGS: readonly InputScaling[] = ['pixel/255', 'pixel/127.5-1'];
/** 'scores': raw logits, softmax still to apply; 'probabilities': the model ends in a softmax. */
export type OutputKind = 'scores' | 'probabilities';

export interface ManifestModel {
  displayName: string;
  format: 'layers-model' | 'graph-model';
  /** model.json at its public hosting; weight files sit beside it. First one that answers wins. */
  urls: string[];
  modelJsonSha256: string;
  /** sha256 of each weight file, by the path model.json gives it. */
  weightsSha256: Record<string, string>;
  /** Bytes of model.json plus every weight file: the download's size, known before it starts. */
  downloadBytes: number;
  inputSize: { height: number; width: number };
  inputScaling: InputScaling;
  output: OutputKind;
  /** Relative to models/: a JSON array of class names in the model's output order. */
  labels: string;
  labelOrder: string;
  licence: string;
}

export interface ModelManifest {
  version: 1;
  models: Record<string, ManifestModel>;
}

/** Everything needed to load and use one model from disk. */
export interface ModelSource {
  /** Manifest name, or the folder's name for an opened folder. */
  name: string;
  displayName: string;
  dir: string;
  format: 'layers-model' | 'graph-model';
  inputScaling: InputScaling;
  /** Undefined for an opened folder: read off the model's last layer when it is loaded. */
  output: OutputKind | undefined;
  /** Class names in output order, or undefined when the folder has none (shown as "class N"). */
  labels: string[] | undefined;
  /** The manifest entry this model matched by checksum, if any. */
  manifestName: string | undefined;
}

/** A named model that is neither in DESCENT_MODELS_DIR nor cached, and could not be downloaded. */
export class ModelNotAvailableError extends Error {
  override readonly name = 'ModelNotAvailableError';
  /** `why`: what was tried, e.g. "not in the cache …, and the download failed (…)". */
  constructor(
    readonly modelName: string,
    why?: string,
  ) {
    super(`model ${modelName} is not available offline${why ? ` (${why})` : ''}; set DESCENT_MODELS_DIR or open a model folder`);
  }
}

/** models/, the folder of the manifest. */
export function modelsFolder(): string {
  return dirname(shippedPath('models/manifest.json', 'the model manifest'));
}

function fail(what: string): never {
  throw new Error(`models/manifest.json: ${what}`);
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks the manifest; a malformed one is an error that names the bad field. */
export function loadManifest(path = join(modelsFolder(), 'manifest.json')): ModelManifest {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; models?: unknown };
  if (raw.version !== 1) fail(`unknown version ${String(raw.version)}`);
  if (typeof raw.models !== 'object' || raw.models === null) fail('no "models" object');
  for (const [name, m] of Object.entries(raw.models as Record<string, Partial<ManifestModel>>)) {
    const where = `model "${name}"`;
    if (!/^[\w.-]+$/.test(name)) fail(`${where}: a name must be a plain folder name`);
    if (typeof m.displayName !== 'string') fail(`${where}: displayName`);
    if (m.format !== 'layers-model' && m.format !== 'graph-model') fail(`${where}: format`);
    if (!Array.isArray(m.urls) || m.urls.length === 0 || !m.urls.every((u) => typeof u === 'string' && u.startsWith('https://'))) fail(`${where}: urls must be https`);
    if (typeof m.modelJsonSha256 !== 'string' || !SHA256.test(m.modelJsonSha256)) fail(`${where}: modelJsonSha256`);
    if (typeof m.weightsSha256 !== 'object' || !Object.values(m.weightsSha256 ?? {}).every((s) => SHA256.test(s))) fail(`${where}: weightsSha256`);
    if (!Number.isInteger(m.downloadBytes) || m.downloadBytes! < 1) fail(`${where}: downloadBytes must be a positive integer`);
    const size = m.inputSize;
    if (!size || !Number.isInteger(size.height) || !Number.isInteger(size.width) || size.height < 1 || size.width < 1) fail(`${where}: inputSize`);
    if (!INPUT_SCALINGS.includes(m.inputScaling!)) fail(`${where}: inputScaling must be one of ${INPUT_SCALINGS.join(', ')}`);
    if (m.output !== 'scores' && m.output !== 'probabilities') fail(`${where}: output must be scores or probabilities`);
    if (typeof m.labels !== 'string' || typeof m.labelOrder !== 'string') fail(`${where}: labels and labelOrder`);
  }
  return raw as ModelManifest;
}

/** A JSON array of strings (labels.json as ml5 and our models/labels write it). */
export function readLabels(path: string): string[] {
  let labels: unknown;
  try {
    labels = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ModelFolderError(`cannot read the labels in ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw new ModelFolderError(`${path} must be a JSON array of class names`);
  return labels as string[];
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The models folder from DESCENT_MODELS_DIR, if set. */
export function modelsDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.DESCENT_MODELS_DIR?.trim();
  return dir ? resolve(dir) : undefined;
}

/** A manifest model found on disk: its folder must hold the model.json the manifest describes. */
export async function namedModelSource(name: string, options: { modelsDir?: string; manifest?: ModelManifest } = {}): Promise<ModelSource> {
  const manifest = options.manifest ?? loadManifest();
  const entry = manifestEntry(name, manifest);
  // An explicit `modelsDir: undefined` means "no folder", whatever the environment says.
  const modelsDir = 'modelsDir' in options ? options.modelsDir : modelsDirFromEnv();
  const dir = modelsDir && join(modelsDir, name);
  if (!dir || !existsSync(join(dir, 'model.json'))) throw new ModelNotAvailableError(name);
  return manifestModelSource(name, entry, dir);
}

/** The manifest's entry for `name`; an unknown name is a RangeError that lists the known ones. */
export function manifestEntry(name: string, manifest: ModelManifest = loadManifest()): ManifestModel {
  const entry = Object.hasOwn(manifest.models, name) ? manifest.models[name] : undefined;
  if (!entry) throw new RangeError(`unknown model "${name}" (known: ${Object.keys(manifest.models).join(', ')}; or give a folder with a model.json)`);
  return entry;
}

/** A folder that must hold manifest model `name`: its model.json is checked byte for byte. */
export async function manifestModelSource(name: string, entry: ManifestModel, dir: string): Promise<ModelSource> {
  const { bytes } = await readModelJson(dir);
  const actual = sha256(bytes);
  if (actual !== entry.modelJsonSha256) {
    throw new ModelFolderError(`${join(dir, 'model.json')} is not the ${name} the manifest describes (sha256 ${actual}, expected ${entry.modelJsonSha256})`);
  }
  return {
    name,
    displayName: entry.displayName,
    dir,
    format: entry.format,
    inputScaling: entry.inputScaling,
    output: entry.output,
    labels: readLabels(join(modelsFolder(), entry.labels)),
    manifestName: name,
  };
}

/**
 * Any folder with a model.json (layers or graph model) and optionally labels.json. If its
 * model.json is byte-identical to a manifest model, that entry's scaling, output kind and
 * labels apply; otherwise scaling defaults to pixel/255 unless given.
 */
export async function openModelFolder(dir: string, options: { inputScaling?: InputScaling; manifest?: ModelManifest } = {}): Promise<ModelSource> {
  const abs = resolve(dir);
  const { json, bytes } = await readModelJson(abs);
  const digest = sha256(bytes);
  const manifest = options.manifest ?? loadManifest();
  const known = Object.entries(manifest.models).find(([, m]) => m.modelJsonSha256 === digest);
  const labelsPath = join(abs, 'labels.json');
  let labels = existsSync(labelsPath) ? readLabels(labelsPath) : undefined;
  if (!labels && known) labels = readLabels(join(modelsFolder(), known[1].labels));
  const name = abs.split(/[\\/]/).filter(Boolean).pop() ?? abs;
  return {
    name: known?.[0] ?? name,
    displayName: known?.[1].displayName ?? name,
    dir: abs,
    format: modelFormat(json),
    inputScaling: options.inputScaling ?? known?.[1].inputScaling ?? 'pixel/255',
    output: known?.[1].output,
    labels,
    manifestName: known?.[0],
  };
}

/** Verifies every weight file of a manifest model (what a downloader checks after fetching). */
export async function verifyWeights(source: ModelSource, manifest: ModelManifest = loadManifest()): Promise<void> {
  const entry = source.manifestName ? manifest.models[source.manifestName] : undefined;
  if (!entry) return;
  for (const [file, expected] of Object.entries(entry.weightsSha256)) {
    const actual = sha256(await readFile(join(source.dir, file)));
    if (actual !== expected) throw new ModelFolderError(`${join(source.dir, file)} does not match the manifest (sha256 ${actual})`);
  }
}
