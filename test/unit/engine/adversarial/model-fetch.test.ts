/**
 * Model downloads against a local HTTP server on 127.0.0.1 that serves the shared models (no
 * other network traffic): checksums, progress, the atomic cache entry, mirrors, cancellation,
 * an unreachable server, and the order folder → cache → download.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultModelCacheDir,
  fetchModel,
  locateModel,
  ModelChecksumError,
  ModelDownloadError,
  type DownloadProgress,
} from '../../../../main/engine/adversarial/model-fetch';
import { loadManifest, ModelNotAvailableError, type ManifestModel } from '../../../../main/engine/adversarial/model-registry';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';
import { SHARED_MODELS_DIR, skipRealModels } from './shared-models';

const NAME = 'darknet-tiny';
const CORRUPT_FILE = 'group3-shard1of1';
const manifest = loadManifest();
const root = mkdtempSync(join(tmpdir(), 'descent-fetch-'));
let server: Server;
let base = '';
/** Requests the server has answered, by path. */
const requests: string[] = [];

/**
 * /good/<model>/<file>: the shared file. /corrupt/…: CORRUPT_FILE with one byte flipped.
 * /long/…: CORRUPT_FILE followed by more bytes than the whole model has. /missing/…: 404.
 */
function serve(): Promise<void> {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const [, mode, model, file] = req.url!.split('/');
    const path = join(SHARED_MODELS_DIR, model ?? '', file ?? '');
    if (mode === 'missing' || !file || file.includes('..') || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    let body = readFileSync(path);
    if (file === CORRUPT_FILE && mode === 'corrupt') body[100] = body[100]! ^ 0xff;
    if (file === CORRUPT_FILE && mode === 'long') body = Buffer.concat([body, Buffer.alloc(manifest.models[NAME]!.downloadBytes)]);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ok();
    }),
  );
}

beforeAll(async () => {
  if (!skipRealModels) await serve();
});
afterAll(async () => {
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  rmSync(root, { recursive: true, force: true });
});

const entry = (...modes: string[]): ManifestModel => ({ ...manifest.models[NAME]!, urls: modes.map((m) => `${base}/${m}/${NAME}/model.json`) });
let cacheCount = 0;
const freshCache = () => join(root, `cache-${cacheCount++}`);

describe('fetchModel', () => {
  it('downloads every file into <cache>/<name>, byte for byte, reporting progress up to the manifest size', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    const progress: DownloadProgress[] = [];
    const dir = await fetchModel(NAME, entry('good'), cache, { onProgress: (p) => progress.push(p) });
    expect(dir).toBe(join(cache, NAME));
    expect(readdirSync(cache)).toEqual([NAME]); // no partial folder left beside it
    const files = ['model.json', ...Object.keys(manifest.models[NAME]!.weightsSha256)];
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
    for (const f of files) expect(readFileSync(join(dir, f)).equals(readFileSync(join(SHARED_MODELS_DIR, NAME, f))), f).toBe(true);
    const total = manifest.models[NAME]!.downloadBytes;
    expect(progress[0]).toEqual({ model: NAME, file: 'model.json', bytesDone: 0, bytesTotal: total });
    expect(progress.at(-1)!.bytesDone).toBe(total);
    progress.slice(1).forEach((p, i) => expect(p.bytesDone).toBeGreaterThanOrEqual(progress[i]!.bytesDone));
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set(files));
    // And it loads.
    const classifier = await ImageClassifier.load(await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, download: false }));
    expect(classifier.numClasses).toBe(1000);
    classifier.dispose();
  });

  it('a corrupted weight file is a checksum error naming it, and leaves nothing in the cache', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    const err = await fetchModel(NAME, entry('corrupt'), cache).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelChecksumError);
    expect((err as Error).message).toMatch(new RegExp(`^${CORRUPT_FILE} of ${NAME} from 127\\.0\\.0\\.1:\\d+ does not match the manifest \\(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\\)$`));
    expect(readdirSync(cache)).toEqual([]);
  });

  it('a server sending more bytes than the model has is cut off', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    const err = await fetchModel(NAME, entry('long'), cache).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelDownloadError);
    expect((err as Error).message).toMatch(/group3-shard1of1 sent more than the 4219188 bytes the model has/);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('tries the next mirror when one answers 404 or sends bad bytes', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    expect(await fetchModel(NAME, entry('missing', 'corrupt', 'good'), cache)).toBe(join(cache, NAME));
    expect(readdirSync(cache)).toEqual([NAME]);
    // Every mirror failing: the checksum failure is the one reported.
    await expect(fetchModel(NAME, entry('missing', 'corrupt'), freshCache())).rejects.toThrow(ModelChecksumError);
    await expect(fetchModel(NAME, entry('missing'), freshCache())).rejects.toThrow(/could not download darknet-tiny: .*answered HTTP 404/);
  });

  it('an unreachable server: "not available offline", nothing cached', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const cache = freshCache();
    const offline = { ...entry(), urls: [`http://127.0.0.1:${port}/${NAME}/model.json`] };
    const err = await fetchModel(NAME, offline, cache).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelNotAvailableError);
    expect((err as Error).message).toMatch(
      new RegExp(`^model ${NAME} is not available offline \\(not in .*, and no download server answered: 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\); set DESCENT_MODELS_DIR or open a model folder$`),
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it('cancelled mid-download: rejects with the abort reason and leaves nothing behind', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await fetchModel(NAME, entry('good'), cache, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.file);
        if (p.file === 'group5-shard1of1') controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(seen).toContain('group5-shard1of1');
    expect(seen).not.toContain('group6-shard1of1');
    expect(readdirSync(cache)).toEqual([]);
  });

  it('downloads over https only, except from this machine', async () => {
    const insecure = { ...manifest.models[NAME]!, urls: ['http://example.com/model.json'] };
    const cache = freshCache();
    await expect(fetchModel(NAME, insecure, cache)).rejects.toThrow(/refusing to download over http: from example\.com/);
    expect(readdirSync(cache)).toEqual([]);
  });
});

describe('locateModel', () => {
  it('looks in DESCENT_MODELS_DIR, then the cache, then downloads', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    const local = { ...manifest, models: { ...manifest.models, [NAME]: entry('good') } };
    const before = requests.length;
    const fromFolder = await locateModel(NAME, { modelsDir: SHARED_MODELS_DIR, cacheDir: cache, manifest: local });
    expect(fromFolder.dir).toBe(join(SHARED_MODELS_DIR, NAME));
    expect(requests.length).toBe(before);

    const progress: number[] = [];
    const downloaded = await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local, onProgress: (p) => progress.push(p.bytesDone) });
    expect(downloaded).toMatchObject({ name: NAME, dir: join(cache, NAME), manifestName: NAME, inputScaling: 'pixel/255', output: 'scores' });
    expect(downloaded.labels?.[173]).toBe('tabby');
    expect(progress.length).toBeGreaterThan(0);
    const afterDownload = requests.length;
    expect(afterDownload).toBeGreaterThan(before);

    const cached = await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local });
    expect(cached.dir).toBe(join(cache, NAME));
    expect(requests.length).toBe(afterDownload);
  });

  it('a damaged cache entry is fetched again', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const cache = freshCache();
    const local = { ...manifest, models: { ...manifest.models, [NAME]: entry('good') } };
    await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local });
    await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local, download: false }); // verified once
    // The same size, one byte changed: found out although the entry was verified before.
    const shard = join(cache, NAME, 'group8-shard1of1');
    const bytes = readFileSync(shard);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(shard, bytes);
    await expect(locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local, download: false })).rejects.toThrow(ModelNotAvailableError);
    await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local });
    rmSync(join(cache, NAME, 'group7-shard1of1'));
    await expect(locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local, download: false })).rejects.toThrow(ModelNotAvailableError);
    const again = await locateModel(NAME, { modelsDir: undefined, cacheDir: cache, manifest: local });
    expect(existsSync(join(again.dir, 'group7-shard1of1'))).toBe(true);
    expect(readdirSync(cache)).toEqual([NAME]);
  });

  it('with no cache folder and no models folder, says plainly the model is not available offline', async () => {
    await expect(locateModel('mobilenet_v1_0.75_224', { modelsDir: undefined })).rejects.toThrow(
      'model mobilenet_v1_0.75_224 is not available offline; set DESCENT_MODELS_DIR or open a model folder',
    );
    await expect(locateModel('mobilenet_v1_0.75_224', { modelsDir: undefined, cacheDir: freshCache(), download: false })).rejects.toThrow(
      /^model mobilenet_v1_0\.75_224 is not available offline \(not in .*cache-\d+\/mobilenet_v1_0\.75_224\)/,
    );
    await expect(locateModel('resnet-9000', { modelsDir: undefined })).rejects.toThrow(/unknown model "resnet-9000"/);
  });

  it('opens any folder given as a path', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    expect(await locateModel(join(SHARED_MODELS_DIR, 'mobilenet_v1_0.75_224'), { modelsDir: undefined })).toMatchObject({ manifestName: 'mobilenet_v1_0.75_224' });
  });
});

describe('defaultModelCacheDir', () => {
  it("is the platform's per-user cache, or DESCENT_MODEL_CACHE", () => {
    expect(defaultModelCacheDir({}, 'linux', '/home/ada')).toBe('/home/ada/.cache/descent-lab/models');
    expect(defaultModelCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', '/home/ada')).toBe('/var/cache/ada/descent-lab/models');
    expect(defaultModelCacheDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Caches/descent-lab/models');
    expect(defaultModelCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada')).toContain(join('descent-lab', 'cache', 'models'));
    expect(defaultModelCacheDir({ DESCENT_MODEL_CACHE: '/tmp/models' }, 'linux', '/home/ada')).toBe('/tmp/models');
  });
});
