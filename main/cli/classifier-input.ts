/**
 * What `descent attack` and `descent classify` share: the images a path names, the backend,
 * and the classifier a model name or folder gives.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UsageError } from './args';
import type { Classification, ModelDownloadProgress } from '../protocol/adversarial';
import { selectBackend } from '../engine/backend';
import { ImageClassifier } from '../engine/adversarial/image-classifier';
import { defaultModelCacheDir, locateModel } from '../engine/adversarial/model-fetch';
import type { InputScaling, ModelSource } from '../engine/adversarial/model-registry';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp']);

/** The measured default: wasm's input gradient is ≈ 4× faster than cpu's on both shipped models. */
export async function chooseBackend(forced: string): Promise<string> {
  try {
    if (forced) return await selectBackend(forced);
    for (const name of ['tensorflow', 'wasm', 'cpu']) {
      try {
        return await selectBackend(name);
      } catch {
        // not available here; try the next
      }
    }
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

export async function imageFiles(path: string): Promise<{ files: string[]; folder: boolean }> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!info.isDirectory()) return { files: [path], folder: false };
  const names = (await readdir(path)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new UsageError(`${path} holds no images (${[...IMAGE_EXTENSIONS].join(' ')})`);
  return { files: names.map((n) => join(path, n)), folder: true };
}

/** Download progress on stderr (stdout may be --json): a live line on a terminal, else start and end. */
function downloadReporter(): (p: ModelDownloadProgress) => void {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  let started = false;
  return (p) => {
    const finished = p.bytesDone === p.bytesTotal;
    if (process.stderr.isTTY) process.stderr.write(`\rdownloading ${p.model}: ${mb(p.bytesDone)} of ${mb(p.bytesTotal)} MB${finished ? '\n' : ''}`);
    else if (!started || finished) process.stderr.write(`${finished ? 'downloaded' : 'downloading'} ${p.model} (${mb(p.bytesTotal)} MB)\n`);
    started = true;
  };
}

/** Where a named or folder model is, downloaded if need be (not loaded). */
export async function locateClassifier(model: string, scaling: InputScaling | undefined): Promise<ModelSource> {
  let source: ModelSource;
  try {
    source = await locateModel(model, { cacheDir: defaultModelCacheDir(), onProgress: downloadReporter() });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  return scaling ? { ...source, inputScaling: scaling } : source;
}

/** A named or folder model, downloaded if need be, as a classifier (the caller disposes it). */
export async function openClassifier(model: string, scaling: InputScaling | undefined): Promise<{ source: ModelSource; classifier: ImageClassifier }> {
  const source = await locateClassifier(model, scaling);
  return { source, classifier: await ImageClassifier.load(source) };
}

/** "Persian cat 93.1% (cat 97.0%, dog 0.4%)". */
export function describe(c: Classification): string {
  const top = c.top5[0]!;
  const bars = c.cat !== null && c.dog !== null ? ` (cat ${(100 * c.cat).toFixed(1)}%, dog ${(100 * c.dog).toFixed(1)}%)` : '';
  return `${top.label} ${(100 * top.probability).toFixed(1)}%${bars}`;
}

