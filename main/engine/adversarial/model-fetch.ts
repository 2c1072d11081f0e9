/**
 * Named models fetched on first use. A manifest model is looked for in DESCENT_MODELS_DIR/<name>,
 * then in the cache folder, and only then downloaded from its public hosting into the cache.
 * Every downloaded byte is checked against the manifest's sha256 before the model becomes
 * visible: files go to a temporary folder beside the cache entry and the folder is renamed into
 * place once all of them match, so a failed, corrupt or cancelled download leaves nothing behind
 * and a half-written model is never loaded.
 *
 * The cache folder is the caller's: the desktop app passes Electron's userData/models, the CLI
 * and the headless server `defaultModelCacheDir()` (this module must not import electron).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { ModelJson } from './disk-io-handler';
import {
  loadManifest,
  manifestEntry,
  manifestModelSource,
  modelsDirFromEnv,
  ModelNotAvailableError,
  openModelFolder,
  sha256,
  type InputScaling,
  type ManifestModel,
  type ModelManifest,
  type ModelSource,
} from './model-registry';

export interface DownloadProgress {
  model: string;
  /** The file being fetched (model.json or a weight file's path). */
  file: string;
  bytesDone: number;
  /** The manifest's downloadBytes: known before the first byte arrives. */
  bytesTotal: number;
}

export interface FetchModelOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Defaults to the global fetch (Node 20+, Electron). */
  fetch?: typeof fetch;
}

/** A downloaded file whose bytes are not the ones the manifest names. */
export class ModelChecksumError extends Error {
  override readonly name = 'ModelChecksumError';
}

/** The server answered, but not with the model (HTTP error, wrong size, bad model.json). */
export class ModelDownloadError extends Error {
  override readonly name = 'ModelDownloadError';
}

/** A download that failed before any server answered: offline, DNS, refused, reset. */
class NetworkError extends Error {}

/**
 * Where the CLI and the headless server cache models: the platform's per-user cache folder
 * (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows),
 * unless DESCENT_MODEL_CACHE names one.
 */
export function defaultModelCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const forced = env.DESCENT_MODEL_CACHE?.trim();
  if (forced) return resolve(forced);
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'descent-lab', 'cache', 'models');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'descent-lab', 'models');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'descent-lab', 'models');
}

/** https, or plain http to this machine only (the tests' local server). */
function checkUrl(url: URL): void {
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ModelDownloadError(`refusing to download over ${url.protocol} from ${url.host}`);
}

/** Weight paths from model.json, each kept inside `root` once resolved. */
function weightPaths(json: ModelJson, root: string): string[] {
  const paths = json.weightsManifest.flatMap((group) => group.paths);
  for (const rel of paths) {
    const abs = resolve(root, rel);
    if (!abs.startsWith(root + sep)) throw new ModelDownloadError(`model.json names weight file "${rel}" outside its folder`);
  }
  return paths;
}

/** Remaining bytes the whole download may still take; more means it is not our model. */
interface Budget {
  done: number;
  readonly total: number;
}

/**
 * Streams one URL to `dest` (or to memory when dest is undefined), hashing as it goes, and
 * returns the sha256 (and the bytes when kept in memory).
 */
async function fetchFile(
  url: URL,
  dest: string | undefined,
  budget: Budget,
  report: (file: string) => void,
  file: string,
  options: FetchModelOptions,
): Promise<{ digest: string; bytes?: Buffer }> {
  const fetchImpl = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: options.signal, redirect: 'follow' });
  } catch (e) {
    if (options.signal?.aborted) throw options.signal.reason ?? e;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new NetworkError(`${url.host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new ModelDownloadError(`${url.href} answered HTTP ${response.status}`);
  }
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  const handle = dest ? await open(dest, 'w') : undefined;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      budget.done += chunk.byteLength;
      if (budget.done > budget.total) throw new ModelDownloadError(`${url.href} sent more than the ${budget.total} bytes the model has`);
      hash.update(chunk);
      if (handle) await handle.write(chunk);
      else chunks.push(Buffer.from(chunk));
      report(file);
    }
  } catch (e) {
    if (options.signal?.aborted) throw options.signal.reason ?? e;
    if (e instanceof ModelDownloadError) throw e;
    throw new NetworkError(`${url.host}: the connection broke (${(e as Error).message})`);
  } finally {
    await handle?.close();
  }
  return { digest: hash.digest('hex'), bytes: handle ? undefined : Buffer.concat(chunks) };
}

/** One mirror: model.json, then each weight file, all into `tmp`. */
async function fetchFrom(modelJsonUrl: URL, name: string, entry: ManifestModel, tmp: string, options: FetchModelOptions): Promise<void> {
  checkUrl(modelJsonUrl);
  const budget: Budget = { done: 0, total: entry.downloadBytes };
  const report = (file: string) => options.onProgress?.({ model: name, file, bytesDone: budget.done, bytesTotal: budget.total });
  report('model.json');
  const { digest, bytes } = await fetchFile(modelJsonUrl, undefined, budget, report, 'model.json', options);
  if (digest !== entry.modelJsonSha256) {
    throw new ModelChecksumError(`model.json of ${name} from ${modelJsonUrl.host} does not match the manifest (sha256 ${digest}, expected ${entry.modelJsonSha256})`);
  }
  const json = JSON.parse(bytes!.toString('utf8')) as ModelJson;
  const paths = weightPaths(json, tmp);
  const listed = Object.keys(entry.weightsSha256);
  if (paths.length !== listed.length || !paths.every((p) => Object.hasOwn(entry.weightsSha256, p))) {
    throw new ModelDownloadError(`the weight files of ${name}'s model.json are not the ones the manifest lists`);
  }
  for (const rel of paths) {
    const dest = resolve(tmp, rel);
    await mkdir(dirname(dest), { recursive: true });
    const url = new URL(rel, modelJsonUrl);
    checkUrl(url);
    const got = await fetchFile(url, dest, budget, report, rel, options);
    const expected = entry.weightsSha256[rel]!;
    if (got.digest !== expected) throw new ModelChecksumError(`${rel} of ${name} from ${url.host} does not match the manifest (sha256 ${got.digest}, expected ${expected})`);
  }
  if (budget.done !== budget.total) throw new ModelDownloadError(`${name} from ${modelJsonUrl.host} is ${budget.done} bytes; the manifest says ${budget.total}`);
  // Written last: a folder with a model.json is a complete one.
  const fh = await open(join(tmp, 'model.json'), 'w');
  try {
    await fh.write(bytes!);
  } finally {
    await fh.close();
  }
}

/** Cache folders whose files last matched the manifest, with the size and mtime each file had then. */
const verified = new Map<string, string>();

/** The cache entry for `name`, if it holds exactly the manifest's files. */
export async function cachedModelDir(name: string, entry: ManifestModel, cacheDir: string): Promise<string | undefined> {
  const dir = join(cacheDir, name);
  const files = ['model.json', ...Object.keys(entry.weightsSha256)];
  let signature: string;
  try {
    signature = (await Promise.all(files.map((f) => stat(join(dir, f))))).map((s) => `${s.size}:${s.mtimeMs}`).join(',');
  } catch {
    return undefined; // a missing file: fetch again
  }
  // Hashing MobileNet's 10 MB takes ~30 ms; files untouched since they last matched are not hashed again.
  const key = `${dir}|${entry.modelJsonSha256}`;
  if (verified.get(key) === signature) return dir;
  try {
    if (sha256(await readFile(join(dir, 'model.json'))) !== entry.modelJsonSha256) return undefined;
    for (const [rel, expected] of Object.entries(entry.weightsSha256)) {
      if (sha256(await readFile(join(dir, rel))) !== expected) return undefined;
    }
  } catch {
    return undefined; // unreadable: fetch again
  }
  verified.set(key, signature);
  return dir;
}

/**
 * Downloads manifest model `name` into `<cacheDir>/<name>/`, trying each of its URLs in turn,
 * and returns that folder. Rejects with ModelNotAvailableError when no server could be reached,
 * ModelChecksumError when a file's bytes are wrong, ModelDownloadError for other answers, and
 * the signal's reason when cancelled; in every failure the cache is left as it was.
 */
export async function fetchModel(name: string, entry: ManifestModel, cacheDir: string, options: FetchModelOptions = {}): Promise<string> {
  const root = resolve(cacheDir);
  await mkdir(root, { recursive: true });
  const final = join(root, name);
  const failures: Error[] = [];
  for (const href of entry.urls) {
    options.signal?.throwIfAborted();
    // A dot folder beside the entry: same filesystem, so the rename is atomic.
    const tmp = join(root, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
    await mkdir(tmp);
    try {
      await fetchFrom(new URL(href), name, entry, tmp, options);
      try {
        await rename(tmp, final);
      } catch {
        // Another process finished first, or an old broken copy is in the way.
        if (await cachedModelDir(name, entry, root)) return final;
        await rm(final, { recursive: true, force: true });
        await rename(tmp, final);
      }
      return final;
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason ?? e;
      failures.push(e as Error);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const checksum = failures.find((e) => e instanceof ModelChecksumError);
  if (checksum) throw checksum;
  if (failures.every((e): boolean => e instanceof NetworkError)) {
    throw new ModelNotAvailableError(name, `not in ${join(root, name)}, and no download server answered: ${failures.map((e) => e.message).join('; ')}`);
  }
  throw new ModelDownloadError(`could not download ${name}: ${failures.map((e) => e.message).join('; ')}`);
}

export interface LocateModelOptions extends FetchModelOptions {
  /** Checked first; undefined: DESCENT_MODELS_DIR; an explicit undefined means none. */
  modelsDir?: string;
  /** Where downloads go and are found again; no cache means no download. */
  cacheDir?: string;
  manifest?: ModelManifest;
  /** false: never download (the model must be in modelsDir or the cache). */
  download?: boolean;
  /** For an opened folder that is not a manifest model. */
  inputScaling?: InputScaling;
}

/**
 * `NAME|DIR` → a model on disk. An existing folder is opened as it is; a manifest name is found
 * in DESCENT_MODELS_DIR/<name>, then in the cache, then downloaded into the cache.
 */
export async function locateModel(nameOrDir: string, options: LocateModelOptions = {}): Promise<ModelSource> {
  const manifest = options.manifest ?? loadManifest();
  // A manifest name is always the manifest's model (checked by sha256), even if a folder of that
  // name happens to sit in the working directory; write ./NAME to mean the folder.
  const isName = Object.hasOwn(manifest.models, nameOrDir);
  if (!isName && existsSync(nameOrDir) && statSync(nameOrDir).isDirectory()) return openModelFolder(nameOrDir, { manifest, inputScaling: options.inputScaling });
  const entry = manifestEntry(nameOrDir, manifest);
  const modelsDir = 'modelsDir' in options ? options.modelsDir : modelsDirFromEnv();
  if (modelsDir && existsSync(join(modelsDir, nameOrDir, 'model.json'))) return manifestModelSource(nameOrDir, entry, join(modelsDir, nameOrDir));
  const { cacheDir } = options;
  if (!cacheDir) throw new ModelNotAvailableError(nameOrDir, modelsDir ? `not in ${modelsDir}` : undefined);
  const cached = await cachedModelDir(nameOrDir, entry, cacheDir);
  if (cached) return manifestModelSource(nameOrDir, entry, cached);
  if (options.download === false) throw new ModelNotAvailableError(nameOrDir, `not in ${join(cacheDir, nameOrDir)}`);
  return manifestModelSource(nameOrDir, entry, await fetchModel(nameOrDir, entry, cacheDir, options));
}
