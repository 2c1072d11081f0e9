/**
 * electron-builder settings (`npm run dist`): AppImage and .deb on Linux, .dmg on macOS, an NSIS
 * .exe on Windows, each built on its own platform. test/unit/packaging.test.ts checks what can be
 * checked without the Electron download: that this loads, that what it names exists, and that
 * the app's files are packed (and dev-only ones are not) — by running electron-builder itself
 * with a stand-in Electron.
 *
 * Where things end up, and who looks for them there:
 *   app.asar/dist/main/app.js            Electron main (package.json "main")
 *   app.asar/dist/main/engine/host.js    the engine utility process, whose lookups go two and
 *                                        three folders up from its own folder (shipped-files.ts):
 *   app.asar/models/                       manifest and labels (adversarial/model-registry.ts)
 *   app.asar/assets/data/                  the built-in sample (engine/default-data.ts)
 *   app.asar/assets/reference/             published optima (engine/labs/spread-reference.ts)
 *   app.asar/assets/samples/               the sample photos (engine/adversarial/sample-images.ts)
 *   app.asar/dist/main/engine/attack-worker.js the engine's worker threads for "Attack every
 *                                        image" (adversarial/attack-pool.ts; Electron loads
 *                                        worker scripts from an asar since electron/electron#33216)
 *   app.asar/dist/main/engine/lane-worker.js  the worker threads a run's lanes are dealt to
 *                                        (adversarial/lane-workers.ts)
 *   app.asar/dist/preload/, dist/renderer/ the page (served as app://descent/)
 *   app.asar.unpacked/…                  native addons (tfjs-node, sharp) and the tfjs wasm
 *                                        binaries: Node cannot dlopen from inside an archive, and
 *                                        binaries read by native code are safer as real files
 */
import type { Configuration } from 'electron-builder';
import { SESSION_EXTENSION, SESSION_MIME } from './main/protocol/session';

/**
 * npm packages the packaged app never loads: the renderer's are bundled into dist/renderer by
 * Vite, and ws/sirv serve only the headless server (dist/main/server.js, not packed). The
 * packaging test checks that every package the packed bundles require is still packed.
 */
const NOT_AT_RUN_TIME = ['react', 'react-dom', 'scheduler', 'three', 'uplot', 'd3-contour', 'd3-array', 'internmap', 'gifenc', 'sirv', 'ws'];

/**
 * Files in the packages that are packed but that Node never loads: TypeScript sources, and
 * tfjs's browser bundles (every @tensorflow package's `main` is its one dist/*.node.js bundle)
 * and their tests. About a third of the archive; the packaging test runs the packed engine.
 */
const DEAD_WEIGHT = [
  '!**/node_modules/**/*.{ts,mts,cts,tsx}',
  '!**/node_modules/@tensorflow/*/dist/*.{es2017,fesm,min,es2017.min,fesm.min}.js',
  '!**/node_modules/@tensorflow/*/dist/*.html',
  '!**/node_modules/@tensorflow/*/dist/**/*_test.js',
];

const config: Configuration = {
  appId: 'org.descentlab.app',
  productName: 'Descent Lab',
  copyright: 'Copyright © the Descent Lab authors',
  // Built from assets/icon.png by scripts/make-installer-icons.mjs (npm run build).
  directories: { output: 'release', buildResources: 'assets/icons' },
  files: [
    'package.json',
    'dist/main/app.js',
    'dist/main/engine/**/*',
    'dist/preload/**/*',
    'dist/renderer/**/*',
    'models/**/*',
    '!models/**/*.md',
    'assets/data/**/*',
    'assets/reference/**/*',
    'assets/samples/**/*',
    '!**/*.map',
    ...NOT_AT_RUN_TIME.map((name) => `!**/node_modules/${name}{,/**/*}`),
    ...DEAD_WEIGHT,
  ],
  // No @electron/rebuild: tfjs-node and sharp are N-API addons (one binary for every Node and
  // Electron ABI), and rebuilding tfjs-node from source needs libtensorflow and a compiler.
  // What ships is what npm installed, which is what the packaging test packs and runs.
  npmRebuild: false,
  asarUnpack: [
    '**/node_modules/@tensorflow/tfjs-node/**/*',
    '**/node_modules/@tensorflow/tfjs-node-gpu/**/*',
    '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    '**/node_modules/sharp/**/*',
    '**/node_modules/@img/**/*',
  ],
  // Electron's fuses, flipped in the binary (security checklist item 19). Nothing in the app
  // runs Electron as plain Node (the engine is a utilityProcess), passes NODE_OPTIONS or
  // --inspect, or loads from file:// (the page is app://descent), so all of that is off.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
    // Flipping a fuse breaks the ad-hoc signature Electron's macOS binary ships with, and an
    // arm64 Mac refuses to start an app whose signature is broken ("damaged"). With a signing
    // identity electron-builder signs right after the flip, over this; without one it skips
    // signing, and this ad-hoc re-signing (`codesign --sign -`, macOS only; @electron/fuses does
    // nothing for other platforms' binaries) is what keeps an unsigned build startable.
    resetAdHocDarwinSignature: true,
  },
  // Session files (main/protocol/session.ts): the OS offers the app for them, and the .deb
  // registers the MIME type with the desktop.
  fileAssociations: [
    { ext: SESSION_EXTENSION, name: 'Descent Lab session', description: 'Descent Lab session', mimeType: SESSION_MIME, role: 'Editor' },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Education',
    icon: 'assets/icons/png',
    executableName: 'descent-lab',
    synopsis: 'Watch gradient descent work',
    description: 'Regression, spread and adversarial labs on TensorFlow.js: optimizers side by side, every iteration drawn live.',
    maintainer: 'Descent Lab authors <descent-lab@users.noreply.github.com>',
    vendor: 'Descent Lab',
  },
  mac: {
    target: 'dmg',
    category: 'public.app-category.education',
    icon: 'assets/icons/icon.icns',
    hardenedRuntime: true,
  },
  win: {
    target: 'nsis',
    icon: 'assets/icons/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    installerIcon: 'assets/icons/icon.ico',
    uninstallerIcon: 'assets/icons/icon.ico',
  },
};

export default config;
