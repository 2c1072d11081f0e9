/**
 * Loaded classifiers, shared by runs: a model is found (folder, cache or download, see
 * model-fetch.ts) and loaded once, and a second run on the same model reuses it — loading
 * MobileNet takes ~0.3 s and its first gradient compiles wasm kernels. Every lane of a run
 * attacks through the same ImageClassifier; a run holds a lease and releases it when it ends.
 * Idle models beyond `keepIdle` are disposed, least recently used first.
 *
 * A classifier's weights are tensors of the backend active when it was loaded; on another
 * backend tfjs moves them on first use, so switching backends needs no reload.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelDownloadProgress } from '../../protocol/adversarial';
import { ImageClassifier } from './image-classifier';
import { locateModel, type LocateModelOptions } from './model-fetch';
import { loadManifest, type InputScaling, type ModelManifest, type ModelSource } from './model-registry';

export interface ClassifierLease {
  readonly classifier: ImageClassifier;
  readonly source: ModelSource;
  /** Idempotent. The classifier must not be used after it. */
  release(): void;
}

export interface AcquireOptions {
  /** Only reported by the acquire that starts a download. */
  onProgress?: (progress: ModelDownloadProgress) => void;
  /** Cancels a download this acquire started (others waiting on it fail too). */
  signal?: AbortSignal;
  /** For an opened folder that is not a manifest model. */
  inputScaling?: InputScaling;
}

interface Entry {
  loading: Promise<{ classifier: ImageClassifier; source: ModelSource }>;
  users: number;
  lastUsed: number;
  disposed: boolean;
}

export class ClassifierStore {
  private readonly entries = new Map<string, Entry>();
  private manifest: ModelManifest | undefined;
  private clock = 0;

  /**
   * `find`: where models are looked for (modelsDir, cacheDir, download, manifest), as
   * locateModel takes them. `keepIdle`: loaded models kept with no lease (each is ~4–10 MB).
   */
  constructor(
    private readonly find: Omit<LocateModelOptions, 'onProgress' | 'signal' | 'inputScaling'> = {},
    private readonly keepIdle = 2,
  ) {}

  /** A model name (models/manifest.json) or a folder path → the same key for the same model. */
  private key(nameOrDir: string, inputScaling: InputScaling | undefined): string {
    // As locateModel decides: a manifest name is the manifest's model, whatever folders exist.
    this.manifest ??= this.find.manifest ?? loadManifest();
    const isDir = !Object.hasOwn(this.manifest.models, nameOrDir) && existsSync(nameOrDir) && statSync(nameOrDir).isDirectory();
    return isDir ? `dir:${resolve(nameOrDir)}|${inputScaling ?? ''}` : `name:${nameOrDir}`;
  }

  /** Finds, loads and caches; concurrent acquires of one model share a single load. */
  async acquire(nameOrDir: string, options: AcquireOptions = {}): Promise<ClassifierLease> {
    const key = this.key(nameOrDir, options.inputScaling);
    let entry = this.entries.get(key);
    if (!entry) {
      const loading = (async () => {
        const source = await locateModel(nameOrDir, { ...this.find, ...options });
        return { classifier: await ImageClassifier.load(source), source };
      })();
      entry = { loading, users: 0, lastUsed: 0, disposed: false };
      this.entries.set(key, entry);
      // A failed load is forgotten, so the next acquire tries again (e.g. after going online).
      loading.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    entry.users++;
    entry.lastUsed = ++this.clock;
    let loaded;
    try {
      loaded = await entry.loading;
    } catch (e) {
      entry.users--;
      throw e;
    }
    const held = entry;
    let released = false;
    return {
      classifier: loaded.classifier,
      source: loaded.source,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        held.lastUsed = ++this.clock;
        this.evictIdle();
      },
    };
  }

  /** Models loaded or loading, for diagnostics and tests. */
  get size(): number {
    return this.entries.size;
  }

  private evictIdle(): void {
    const idle = [...this.entries].filter(([, e]) => e.users === 0).sort((a, b) => b[1].lastUsed - a[1].lastUsed);
    for (const [key, entry] of idle.slice(this.keepIdle)) {
      this.entries.delete(key);
      void this.disposeEntry(entry);
    }
  }

  private async disposeEntry(entry: Entry): Promise<void> {
    if (entry.disposed) return;
    entry.disposed = true;
    try {
      (await entry.loading).classifier.dispose();
    } catch {
      // never loaded: nothing to free
    }
  }

  /** Frees every model, leased or not. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.disposeEntry(e)));
  }
}
