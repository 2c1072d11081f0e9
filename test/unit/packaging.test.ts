/**
 * The installers (electron.config.ts), checked without the Electron download `npm run dist`
 * needs. electron-builder itself loads the configuration (its own TypeScript loader, through
 * `extends`) and validates it against its schema, then packs the app for Linux as a plain
 * folder (`--dir`) with a stand-in for Electron's files: its file matching (the `files` globs
 * and its default exclusions), its collection of production node_modules, the asar, asarUnpack
 * and the fuses all run for real. The stand-in binary is a shell script carrying Electron's fuse
 * wire, so the flipped fuses can be read back (@electron/fuses, which flipped them). The test
 * then reads the archive (@electron/asar, which wrote it) and checks that what the app loads at
 * run time is there, laid out where the code looks for it, that nothing dev-only came along, and
 * that the packed engine runs both ways it is started: as the server's Node child and as
 * Electron's utility process. Needs `npm run build` first (npm test builds before the unit
 * tests): the packer packs dist/ and the icons the build makes.
 *
 * Left out, because they need Electron's real files or another platform: the AppImage, .deb,
 * .dmg and .exe wrappers around this folder, and signing.
 */
import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
// Not re-exported from the package's index; the package has no "exports" map that hides them.
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { fork } from 'node:child_process';
import { builtinModules } from 'node:module';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arch, build, Platform } from 'electron-builder';
import config from '../../electron.config';
import type { EngineMessage } from '../../main/protocol/messages';
import { SESSION_EXTENSION, SESSION_MIME } from '../../main/protocol/session';
import { SAMPLE_PHOTOS, SHARED_MODELS_DIR, skipRealModels } from './engine/adversarial/shared-models';

const ROOT = resolve(__dirname, '../..');
/** Linux desktops pick from the hicolor sizes; 1024 is for large, dense displays. */
const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const DIST = join(ROOT, 'dist');

/** The archive's files (not folders) by path, '/'-separated as the app asks for them, and whether each is unpacked beside it. */
function asarIndex(archive: string): Map<string, { unpacked: boolean }> {
  const index = new Map<string, { unpacked: boolean }>();
  for (const listed of listPackage(archive, { isPack: false })) {
    const p = listed.split(sep).join('/').replace(/^\//, '');
    const entry = statFile(archive, p);
    if (!('files' in entry)) index.set(p, { unpacked: entry.unpacked === true });
  }
  return index;
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split('\\').join('/')],
  );
}

/** "@scope/name/deep/path" → "@scope/name"; "name/x" → "name". */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(packageOf(s)) || s === 'electron';

/** The packages a bundle loads: require("x"), import("x"), and the engine's tryImport("x") for optional backends. */
function packagesLoadedBy(bundle: string): { required: Set<string>; optional: Set<string> } {
  const code = readFileSync(bundle, 'utf8');
  const names = (re: RegExp) => new Set([...code.matchAll(re)].map((m) => m[1]!).filter((s) => !s.startsWith('.') && !isBuiltin(s)).map(packageOf));
  return {
    required: names(/\brequire\("([^"]+)"\)/g),
    optional: new Set([...names(/\btryImport\("([^"]+)"\)/g), ...names(/\bimport\("([^"]+)"\)/g)]),
  };
}

/** Electron's fuse defaults, in FuseV1Options order ('1' on, '0' off: FuseState's ENABLE and DISABLE bytes). */
const DEFAULT_FUSES = '10110001';

let work: string;
/** Each fuse of the packed binary by its FuseV1Options name: 'on' or 'off'. */
let fuses: Record<string, string>;
let archive: string;
let asar: Map<string, { unpacked: boolean }>;
let unpacked: string[];

beforeAll(async () => {
  for (const f of ['main/app.js', 'main/engine/host.js', 'preload/index.js', 'renderer/index.html']) {
    if (!existsSync(join(DIST, f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first`);
  }
  // A stand-in for the Electron zip electron-builder would download: the few files it copies,
  // an executable to rename (with a fuse wire to flip), and the version file it reads.
  work = mkdtempSync(join(tmpdir(), 'descent-pack-'));
  const standIn = join(work, 'electron');
  mkdirSync(join(standIn, 'resources'), { recursive: true });
  // The fuse wire follows @electron/fuses' sentinel: version 1, its length, one byte per fuse.
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_FUSES.length]), Buffer.from(DEFAULT_FUSES, 'latin1')]);
  writeFileSync(join(standIn, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n# '), wire, Buffer.from('\n')]));
  chmodSync(join(standIn, 'electron'), 0o755);
  writeFileSync(join(standIn, 'version'), (JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version);
  for (const f of ['LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(standIn, f), '');

  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: {
      extends: join(ROOT, 'electron.config.ts'),
      electronDist: standIn,
      directories: { output: join(work, 'release') },
    },
  });
  const { version, ...wireRead } = await getCurrentFuseWire(join(work, 'release/linux-unpacked', config.linux!.executableName!));
  expect(version).toBe('1');
  const onOff = (state: FuseState | undefined) => (state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : `state ${state}`);
  fuses = Object.fromEntries(Object.entries(wireRead as Record<string, FuseState>).map(([i, state]) => [FuseV1Options[Number(i)], onOff(state)]));
  const resources = join(work, 'release/linux-unpacked/resources');
  archive = join(resources, 'app.asar');
  asar = asarIndex(archive);
  unpacked = existsSync(join(resources, 'app.asar.unpacked')) ? filesUnder(join(resources, 'app.asar.unpacked')) : [];
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('electron.config.ts', () => {
  it('should name the app, its four installers and its session files', () => {
    expect(config).toMatchObject({ appId: 'org.descentlab.app', productName: 'Descent Lab' });
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: SESSION_EXTENSION, mimeType: SESSION_MIME })]);
  });

  it('should ship the native modules npm installed, and re-sign unsigned macOS builds after the fuses', () => {
    // No rebuild: what `npm run dist` packs is what this test packs (below, with the config as
    // is) and runs. An unsigned arm64 build whose fuses were flipped does not start without the
    // ad-hoc re-signing.
    expect(config.npmRebuild).toBe(false);
    expect(config.electronFuses?.resetAdHocDarwinSignature).toBe(true);
  });

  it('should point at files that exist: every icon size each platform needs, from the one source', () => {
    expect(statSync(join(ROOT, config.directories!.buildResources!)).isDirectory()).toBe(true);
    // Linux: a folder of NxN.png files, each really N×N (the PNG header says so).
    const linuxDir = join(ROOT, config.linux!.icon!);
    for (const n of LINUX_ICON_SIZES) {
      const png = readFileSync(join(linuxDir, `${n}x${n}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${n}x${n}.png`).toEqual([n, n]);
    }
    // Windows: an .ico whose largest entry is 256 (stored as 0 in the directory).
    const ico = readFileSync(join(ROOT, config.win!.icon!));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const widths = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
    expect(Math.max(...widths)).toBe(256);
    for (const f of [config.nsis!.installerIcon!, config.nsis!.uninstallerIcon!]) expect(existsSync(join(ROOT, f)), f).toBe(true);
    // macOS: an .icns holding the 512 and 1024 px (ic09, ic10) images.
    const icns = readFileSync(join(ROOT, config.mac!.icon!));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types = new Set<string>();
    for (let at = 8; at + 8 <= icns.length; at += icns.readUInt32BE(at + 4)) types.add(icns.subarray(at, at + 4).toString('latin1'));
    for (const t of ['ic09', 'ic10']) expect(types, t).toContain(t);
  });
});

describe('the packed app', () => {
  it('should have its Electron fuses flipped as configured', () => {
    expect(fuses).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off', // left as Electron ships it
      GrantFileProtocolExtraPrivileges: 'off',
    });
  });

  it('should hold what the app loads at run time, where the code looks for it', () => {
    for (const f of [
      'package.json',
      'dist/main/app.js',
      'dist/main/engine/host.js',
      'dist/main/engine/attack-worker.js',
      'dist/main/engine/lane-worker.js',
      'dist/preload/index.js',
      'dist/renderer/index.html',
      'models/manifest.json',
      'assets/data/adult-men-150.csv',
      'assets/reference/thomson.csv',
      'assets/reference/tammes.csv',
      'assets/samples/CREDITS.txt',
      'assets/samples/chelsea-the-cat.jpg',
      'assets/samples/dog-on-a-porch.jpg',
    ]) {
      expect(asar.has(f), f).toBe(true);
    }
    // package.json "main" is the Electron entry.
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main).toBe('dist/main/app.js');
    // The whole renderer build, and every label list the manifest names.
    for (const f of filesUnder(join(DIST, 'renderer'))) expect(asar.has(`dist/renderer/${f}`), `dist/renderer/${f}`).toBe(true);
    for (const f of readdirSync(join(ROOT, 'models/labels'))) expect(asar.has(`models/labels/${f}`), f).toBe(true);
    // The engine (dist/main/engine/host.js) looks two and three folders up from its own folder
    // (shipped-files.ts): in the asar, three is the root.
    const engineDir = 'dist/main/engine';
    expect(asar.has(posix.join(engineDir, '../../../models/manifest.json'))).toBe(true);
    expect(asar.has(posix.join(engineDir, '../../../assets/reference/thomson.csv'))).toBe(true);
    expect(asar.has(posix.join(engineDir, '../../../assets/data/adult-men-150.csv'))).toBe(true);
    expect(asar.has(posix.join(engineDir, '../../../assets/samples/CREDITS.txt'))).toBe(true);
  });

  it('should hold every package the packed bundles load, and what those packages need', () => {
    const installed = (pkg: string) => existsSync(join(ROOT, 'node_modules', pkg, 'package.json'));
    const packed = (pkg: string) => asar.has(`node_modules/${pkg}/package.json`);
    for (const bundle of ['dist/main/app.js', 'dist/main/engine/host.js', 'dist/main/engine/attack-worker.js', 'dist/main/engine/lane-worker.js', 'dist/preload/index.js']) {
      const { required, optional } = packagesLoadedBy(join(DIST, bundle.slice('dist/'.length)));
      for (const pkg of required) expect(packed(pkg), `${bundle} requires ${pkg}`).toBe(true);
      // Optional backends (tfjs-node) are packed when this machine has them installed.
      for (const pkg of optional) if (installed(pkg)) expect(packed(pkg), `${bundle} may load ${pkg}`).toBe(true);
    }
    // Each packed package's own dependencies resolve inside the archive, as Node would look
    // for them (its nested node_modules, then each folder up).
    const manifests = [...asar.keys()].filter((p) => /^(.*\/)?node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(p) && !p.slice(0, -'/package.json'.length).includes('/node_modules/.'));
    for (const manifest of manifests) {
      const dir = manifest.slice(0, -'/package.json'.length);
      const meta = JSON.parse(extractFile(archive, manifest).toString('utf8')) as { name?: string; dependencies?: Record<string, string> };
      if (!meta.name || !dir.endsWith(meta.name)) continue; // a nested package.json that is not a package root
      for (const dep of Object.keys(meta.dependencies ?? {})) {
        const found = dir.split('/node_modules/').some((_, i, parts) => packed(`${parts.slice(0, i + 1).join('/node_modules/')}/node_modules/${dep}`)) || packed(dep);
        expect(found, `${meta.name} needs ${dep}`).toBe(true);
      }
    }
  });

  /**
   * Electron's utilityProcess hands its child process.parentPort: postMessage, and 'message'
   * events whose `data` is the message (structured-cloned, as Node's 'advanced' IPC does). This
   * stand-in, preloaded into a Node child, builds one over the IPC channel and takes
   * process.send away, so host.js can only talk through parentPort.
   */
  const PARENT_PORT_SHIM = `
    const { EventEmitter } = require('node:events');
    const send = process.send.bind(process);
    const parentPort = new EventEmitter();
    parentPort.postMessage = (message) => send(message);
    process.on('message', (message) => parentPort.emit('message', { data: message }));
    process.parentPort = parentPort;
    delete process.send;
  `;

  it.each([
    ['a Node child, as the headless server starts it', false],
    ['a utility process, as Electron starts it (process.parentPort)', true],
  ])('should run its engine from the packed files alone, as %s: wasm backend, sample data, model manifest, a run, and an attack whose lanes are dealt to a lane worker', async (_, utility) => {
    // The archive and its unpacked part, laid out as Electron presents them to the utility
    // process, and the engine started from there in plain Node with an empty working directory
    // (so the lookups' process.cwd() fallback cannot find the checkout's files instead).
    const app = join(work, 'extracted');
    if (!existsSync(app)) extractAll(archive, app);
    const shim = join(work, 'parent-port-shim.cjs');
    writeFileSync(shim, PARENT_PORT_SHIM);
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const engine = fork(join(app, 'dist/main/engine/host.js'), [], {
      cwd,
      serialization: 'advanced',
      execArgv: utility ? ['--require', shim] : [],
      // The shared models (outside the checkout) for the attack, where this machine has them.
      env: { ...process.env, DESCENT_BACKEND: 'wasm', DESCENT_MODELS_DIR: skipRealModels === undefined ? SHARED_MODELS_DIR : '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: EngineMessage[] = [];
    engine.on('message', (m) => messages.push(m as EngineMessage));
    const next = (pred: (m: EngineMessage) => boolean) =>
      new Promise<EngineMessage>((done, fail) => {
        const look = () => {
          const m = messages.find(pred);
          if (m) return done(m);
          if (engine.exitCode !== null) return fail(new Error(`the packed engine exited (${engine.exitCode})`));
          setTimeout(look, 10);
        };
        look();
      });
    try {
      engine.send({ type: 'hello' });
      expect(await next((m) => m.type === 'ready' || m.type === 'error')).toMatchObject({ type: 'ready', backend: 'wasm' });
      engine.send({ type: 'defaultDataset', requestId: 'd' });
      const data = await next((m) => 'requestId' in m && m.requestId === 'd');
      expect(data).toMatchObject({ type: 'reply', dataset: { totalRows: 150 } });
      engine.send({ type: 'listModels', requestId: 'm' });
      const models = await next((m) => 'requestId' in m && m.requestId === 'm');
      expect(models.type).toBe('models');
      expect((models as Extract<EngineMessage, { type: 'models' }>).models.length).toBeGreaterThan(0);
      engine.send({ type: 'sampleImages', requestId: 's' });
      const samples = await next((m) => 'requestId' in m && m.requestId === 's');
      expect(samples.type).toBe('sampleImages');
      expect((samples as Extract<EngineMessage, { type: 'sampleImages' }>).images.map((im) => im.name)).toEqual(['chelsea-the-cat.jpg', 'dog-on-a-porch.jpg']);
      const { dataset } = data as Extract<EngineMessage, { type: 'reply' }>;
      engine.send({
        type: 'start',
        runId: 'r',
        config: {
          lab: 'regression',
          problem: { x: dataset.x, y: dataset.y, normalize: true, initSlope: 0, initIntercept: 0 },
          lanes: [{ id: 'adam', optimizer: 'adam', params: { learningRate: 0.1 } }],
          maxIterations: 100,
          itersPerSecond: 0,
          seed: 1,
          paused: false,
        },
      });
      const done = await next((m) => (m.type === 'frame' && m.status === 'done') || m.type === 'error');
      expect(done).toMatchObject({ type: 'frame', iteration: 100 });
      if (skipRealModels !== undefined) return console.log(`the packed attack is ${skipRealModels}`);
      // Two lanes on two cores or more: one steps in a lane worker, its script and packages
      // loaded from the archive.
      engine.send({ type: 'decodeImage', requestId: 'i', name: 'cat.jpg', bytes: new Uint8Array(readFileSync(SAMPLE_PHOTOS[1].file)), width: 224, height: 224 });
      const decoded = await next((m) => 'requestId' in m && m.requestId === 'i');
      const { image } = decoded as Extract<EngineMessage, { type: 'image' }>;
      const lane = { method: 'pgd', epsilon: 4, step: 1, iterations: 2, target: { kind: 'untargeted' }, stopAtConfidence: null } as const;
      // The first run steps on one thread while the lane worker starts; the second deals.
      const lastReports = async (runId: string) => {
        engine.send({
          type: 'start',
          runId,
          config: {
            lab: 'adversarial',
            problem: { model: 'mobilenet_v1_0.75_224', image: { name: image.name, width: 224, height: 224, rgb: image.rgb } },
            lanes: [{ ...lane, id: 'a' }, { ...lane, id: 'b', step: 2 }],
            maxIterations: 2,
            itersPerSecond: 0,
            seed: 1,
          },
        });
        const attacked = await next((m) => (m.type === 'frame' && m.runId === runId && m.status === 'done') || m.type === 'error');
        expect(attacked).toMatchObject({ type: 'frame', lab: 'adversarial', iteration: 2 });
        const frames = messages.filter((m): m is Extract<EngineMessage, { type: 'frame'; lab: 'adversarial' }> => m.type === 'frame' && m.runId === runId && m.lab === 'adversarial');
        const reports = frames.flatMap((f) => f.lanes.find((l) => l.id === 'b')!.reports);
        expect(reports.map((r) => r.step)).toEqual([0, 1, 2]);
        return reports.map((r) => ({ ...r, stepMs: 0 }));
      };
      const oneThread = await lastReports('a1');
      expect(await lastReports('a2')).toEqual(oneThread);
    } finally {
      engine.kill();
    }
  });

  it('should leave the tfjs wasm binaries and native addons outside the archive', () => {
    const wasm = readdirSync(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).filter((f) => f.endsWith('.wasm'));
    expect(wasm.length).toBeGreaterThanOrEqual(3);
    for (const f of wasm) {
      const p = `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`;
      expect(asar.get(p), p).toEqual({ unpacked: true });
      expect(unpacked, p).toContain(p);
    }
    // Every native addon is unpacked: Node cannot dlopen from an archive.
    for (const [p, entry] of asar) if (p.endsWith('.node')) expect(entry.unpacked, p).toBe(true);
  });

  it('should leave out sources, tests, scripts, source maps and other dev-only files', () => {
    const ours = [...asar.keys()].filter((p) => !p.startsWith('node_modules/'));
    const allowedRoots = ['package.json', 'dist/', 'models/', 'assets/data/', 'assets/reference/', 'assets/samples/'];
    expect(ours.filter((p) => !allowedRoots.some((r) => p === r || p.startsWith(r)))).toEqual([]);
    expect(ours.filter((p) => /\.(ts|tsx|map|md)$/.test(p))).toEqual([]);
    // Only the bundles the app runs (main, the engine, the engine's attack and lane workers, preload) and
    // the renderer: not the CLI, server or bench.
    expect(ours.filter((p) => p.startsWith('dist/') && !p.startsWith('dist/renderer/')).sort()).toEqual([
      'dist/main/app.js',
      'dist/main/engine/attack-worker.js',
      'dist/main/engine/host.js',
      'dist/main/engine/lane-worker.js',
      'dist/preload/index.js',
    ]);
    const all = [...asar.keys(), ...unpacked];
    expect(all.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(all.filter((p) => /(^|\/)node_modules\/\.(cache|bin|vite)\//.test(p))).toEqual([]);
    // Packages only the renderer bundle or the headless server use, and the dev tools.
    for (const pkg of ['react', 'three', 'uplot', 'ws', 'sirv', 'electron', 'electron-builder', 'vite', 'vitest', 'typescript', '@playwright/test', '@doyensec/electronegativity']) {
      expect(asar.has(`node_modules/${pkg}/package.json`), pkg).toBe(false);
    }
  });
});
