/**
 * electron-builder settings (`npm run dist`). The native tfjs addon and the wasm binaries are
 * unpacked from the asar: Node cannot dlopen a .node file, nor the engine fetch a .wasm, from
 * inside an archive.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'org.descentlab.app',
  productName: 'Descent Lab',
  directories: { output: 'release', buildResources: 'assets' },
  files: ['dist/**/*', 'models/**/*', 'assets/data/**/*', 'package.json', '!**/*.map'],
  asarUnpack: ['node_modules/@tensorflow/tfjs-node/**', 'node_modules/@tensorflow/tfjs-backend-wasm/**/*.wasm'],
  icon: 'assets/icon.png',
  linux: { target: ['AppImage', 'deb'], category: 'Education' },
  mac: { target: 'dmg', category: 'public.app-category.education' },
  win: { target: 'nsis' },
};

export default config;
