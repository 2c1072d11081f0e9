// Builds everything the app runs: the main-side bundles (esbuild, CommonJS, packages left
// external so tfjs-node's native addon and Electron resolve at run time), the renderer (Vite)
// and the installers' icons.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';
import { makeIcons } from './make-installer-icons.mjs';

const mainSide = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  build({
    ...mainSide,
    entryPoints: {
      'main/app': 'main/app.ts',
      'main/engine/host': 'main/engine/host.ts',
      // The Adversarial lab's pool workers (worker-model.ts finds them beside the bundle that runs).
      'main/engine/attack-worker': 'main/engine/adversarial/attack-worker.ts',
      // The lanes of a run dealt over the cores (lane-workers.ts finds it the same way).
      'main/engine/lane-worker': 'main/engine/adversarial/lane-worker.ts',
      'main/server': 'main/server.ts',
      'main/cli': 'main/cli.ts',
      'scripts/bench': 'scripts/bench.ts',
    },
    outdir: 'dist',
  }),
  build({ ...mainSide, entryPoints: { 'preload/index': 'preload/index.ts' }, outdir: 'dist' }),
  viteBuild({ configFile: 'vite.config.mts', logLevel: 'warn' }),
  // The installers' icons (assets/icons/, from assets/icon.png); a no-op when they are current.
  makeIcons(),
]);
console.log('built dist/');
