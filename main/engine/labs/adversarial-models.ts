/**
 * The Adversarial lab's requests beyond runs: which models there are, loading one (with its
 * download's progress, cancellable), model folders the user opened, decoding image files and
 * encoding PNGs. It owns the engine's ClassifierStore, so a run starts on a model already
 * loaded here without loading it again.
 *
 * The page never names a path: a manifest model goes by its name, an opened folder by the id
 * this module gives it after writing the folder's files (sent as bytes) under the cache.
 * It also keeps the lane workers a run's lanes are dealt to (lane-workers.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { InputScaling } from '../adversarial/model-registry';
import type { DecodedImage, ModelEntry, ModelInfo } from '../../protocol/messages';
import { ClassifierStore, type ClassifierLease } from '../adversarial/classifier-store';
import { LaneWorkers } from '../adversarial/lane-workers';
import { decodeForModel, encodePng } from '../adversarial/image-io';
import { cachedModelDir, defaultModelCacheDir } from '../adversarial/model-fetch';
import { loadManifest, modelsDirFromEnv, openModelFolder, type ModelManifest } from '../adversarial/model-registry';
import type { ModelDownloadProgress } from '../../protocol/adversarial';

const PROGRESS_INTERVAL_MS = 100;

interface OpenedFolder {
  dir: string;
  displayName: string;
  inputScaling: InputScaling | undefined;
  inputWidth: number;
  inputHeight: number;
}

export class AdversarialModels {
  readonly classifiers: ClassifierStore;
  /** Worker threads holding some lanes of a run, kept for the next run on the same model. */
  readonly laneWorkers = new LaneWorkers();
  private readonly manifest: ModelManifest;
  private readonly folders = new Map<string, OpenedFolder>();
  private readonly loads = new Map<string, AbortController>();

  constructor(
    private readonly cacheDir: string = defaultModelCacheDir(),
    private readonly modelsDir: string | undefined = modelsDirFromEnv(),
  ) {
    this.manifest = loadManifest();
    this.classifiers = new ClassifierStore({ modelsDir, cacheDir, manifest: this.manifest });
  }

  async list(): Promise<ModelEntry[]> {
    const entries: ModelEntry[] = [];
    for (const [id, m] of Object.entries(this.manifest.models)) {
      const local = !!this.modelsDir && existsSync(join(this.modelsDir, id, 'model.json'));
      const available = local || (await cachedModelDir(id, m, this.cacheDir)) !== undefined;
      entries.push({ id, displayName: m.displayName, origin: 'manifest', inputWidth: m.inputSize.width, inputHeight: m.inputSize.height, available, licence: m.licence });
    }
    for (const [id, f] of this.folders) {
      entries.push({ id, displayName: f.displayName, origin: 'folder', inputWidth: f.inputWidth, inputHeight: f.inputHeight, available: true });
    }
    return entries;
  }

  /** What ClassifierStore.acquire takes for a model id: a manifest name, or an opened folder's path. */
  private locator(id: string): { nameOrDir: string; inputScaling?: InputScaling } {
    if (id.startsWith('folder:')) {
      const f = this.folders.get(id);
      if (!f) throw new RangeError(`no opened model folder "${id}" (open it again)`);
      return { nameOrDir: f.dir, inputScaling: f.inputScaling };
    }
    if (!Object.hasOwn(this.manifest.models, id)) throw new RangeError(`unknown model "${id}" (known: ${Object.keys(this.manifest.models).join(', ')})`);
    return { nameOrDir: id };
  }

  acquire(id: string, onProgress?: (p: ModelDownloadProgress) => void, signal?: AbortSignal): Promise<ClassifierLease> {
    const { nameOrDir, inputScaling } = this.locator(id);
    return this.classifiers.acquire(nameOrDir, { onProgress, signal, inputScaling });
  }

  /** Loads a model (downloading it first if need be) and describes it; `cancel(requestId)` aborts it. */
  async load(requestId: string, id: string, onProgress: (p: ModelDownloadProgress) => void): Promise<ModelInfo> {
    const abort = new AbortController();
    this.loads.set(requestId, abort);
    // A download reports every network chunk (hundreds for 10 MB): pass on ten a second, and the last.
    let lastSentMs = -Infinity;
    const throttled = (p: ModelDownloadProgress) => {
      const now = performance.now();
      if (now - lastSentMs < PROGRESS_INTERVAL_MS && p.bytesDone < p.bytesTotal) return;
      lastSentMs = now;
      onProgress(p);
    };
    try {
      const lease = await this.acquire(id, throttled, abort.signal);
      try {
        const c = lease.classifier;
        const entry = (await this.list()).find((e) => e.id === id);
        return {
          id,
          // An opened folder is named as the list names it (the folder's name), not by the
          // cache folder it was copied to (a digest).
          displayName: entry?.displayName ?? c.info.displayName,
          origin: id.startsWith('folder:') ? 'folder' : 'manifest',
          inputWidth: c.inputWidth,
          inputHeight: c.inputHeight,
          available: true,
          ...(entry?.licence ? { licence: entry.licence } : {}),
          labels: c.labels,
          hasCatDog: c.groups.cat.length > 0 && c.groups.dog.length > 0,
        };
      } finally {
        lease.release(); // the store keeps it loaded for the run that follows
      }
    } finally {
      this.loads.delete(requestId);
    }
  }

  cancel(requestId: string): void {
    this.loads.get(requestId)?.abort(new Error('cancelled'));
  }

  /**
   * Writes an opened folder's files under the cache (by content hash, so opening the same folder
   * twice gives the same id), checks it loads as a model, and registers it.
   */
  async addFolder(name: string, files: { path: string; bytes: Uint8Array }[], inputScaling: InputScaling | undefined): Promise<ModelEntry> {
    const hash = createHash('sha256');
    for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) hash.update(f.path).update('\0').update(f.bytes);
    const digest = hash.digest('hex').slice(0, 24);
    const id = `folder:${digest}`;
    const root = join(this.cacheDir, 'opened');
    const dir = join(root, digest);
    if (!existsSync(join(dir, 'model.json'))) {
      const staging = `${dir}.partial-${process.pid}`;
      await rm(staging, { recursive: true, force: true });
      for (const f of files) {
        // Paths inside the folder only: the page names no file outside it.
        const rel = normalize(f.path.replace(/^[^/\\]+[/\\]/, '')); // drop the folder's own name
        if (rel.startsWith('..') || rel.includes(`${sep}..`) || /^([/\\]|[a-zA-Z]:)/.test(rel)) throw new RangeError(`${f.path} is not inside the folder`);
        const target = join(staging, rel);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, f.bytes);
      }
      if (!existsSync(join(staging, 'model.json'))) {
        await rm(staging, { recursive: true, force: true });
        throw new RangeError(`${name} has no model.json: open the folder that holds a TensorFlow.js model`);
      }
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
    const source = await openModelFolder(dir, { inputScaling, manifest: this.manifest });
    // Its input size is the model's own: load it once to read it, and to prove it loads before
    // the folder is listed (one that fails is forgotten, not listed as available).
    const lease = await this.classifiers.acquire(dir, { inputScaling });
    try {
      this.folders.set(id, {
        dir,
        displayName: source.manifestName ? source.displayName : name,
        inputScaling,
        inputWidth: lease.classifier.inputWidth,
        inputHeight: lease.classifier.inputHeight,
      });
    } finally {
      lease.release();
    }
    return (await this.list()).find((e) => e.id === id)!;
  }

  async decode(name: string, bytes: Uint8Array, width: number, height: number): Promise<DecodedImage> {
    const img = await decodeForModel(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), width, height, name);
    return { name, width: img.width, height: img.height, rgb: img.rgb, format: img.format, sourceWidth: img.sourceWidth, sourceHeight: img.sourceHeight, crop: img.crop };
  }

  async png(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
    const b = await encodePng(rgb, width, height);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  dispose(): Promise<void> {
    for (const a of this.loads.values()) a.abort(new Error('the engine is closing'));
    this.laneWorkers.dispose();
    return this.classifiers.dispose();
  }
}
