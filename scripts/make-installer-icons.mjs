// Every icon the installers need, made from the one source image, assets/icon.png (1024×1024,
// drawn by scripts/draw-icon-source.mjs), into assets/icons/ (not committed; electron.config.ts points
// there):
//   png/NxN.png  Linux (AppImage, .deb): the hicolor sizes 16…512 and 1024, resized by sharp
//   icon.ico     Windows (NSIS, the .exe): 16…256, by png2icons, offline and in plain JS
//   icon.icns    macOS (.dmg, the .app): 16…1024 with the @2x variants, by png2icons
// The build (scripts/build.mjs) runs this; it does nothing when the icons are newer than the
// source and this script. By hand: node scripts/make-installer-icons.mjs [--force]
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SOURCE = path.join(ROOT, 'assets/icon.png');
export const ICON_DIR = path.join(ROOT, 'assets/icons');
/** Freedesktop's hicolor theme sizes, plus 1024 for large displays. */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const outputs = () => [
  path.join(ICON_DIR, 'icon.ico'),
  path.join(ICON_DIR, 'icon.icns'),
  ...LINUX_ICON_SIZES.map((n) => path.join(ICON_DIR, 'png', `${n}x${n}.png`)),
];

function upToDate() {
  const newestInput = Math.max(statSync(ICON_SOURCE).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  return outputs().every((file) => existsSync(file) && statSync(file).mtimeMs >= newestInput);
}

export async function makeIcons({ force = false } = {}) {
  if (!force && upToDate()) return false;
  // Loaded only when there is work to do: the build stays quick when the icons are current.
  const [{ default: sharp }, { default: png2icons }] = await Promise.all([import('sharp'), import('png2icons')]);
  const source = readFileSync(ICON_SOURCE);
  const { width, height } = await sharp(source).metadata();
  if (width !== 1024 || height !== 1024) throw new Error(`${ICON_SOURCE} must be 1024×1024 (it is ${width}×${height})`);

  mkdirSync(path.join(ICON_DIR, 'png'), { recursive: true });
  await Promise.all(
    LINUX_ICON_SIZES.map((n) =>
      sharp(source)
        .resize(n, n, { kernel: 'lanczos3' })
        .png({ compressionLevel: 9 })
        .toFile(path.join(ICON_DIR, 'png', `${n}x${n}.png`)),
    ),
  );
  // ICO entries stored as PNG (every Windows since Vista reads them); both at bicubic quality.
  const ico = png2icons.createICO(source, png2icons.BICUBIC, 0, false, true);
  const icns = png2icons.createICNS(source, png2icons.BICUBIC, 0);
  if (!ico || !icns) throw new Error('png2icons could not convert assets/icon.png');
  writeFileSync(path.join(ICON_DIR, 'icon.ico'), ico);
  writeFileSync(path.join(ICON_DIR, 'icon.icns'), icns);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const made = await makeIcons({ force: process.argv.includes('--force') });
  console.log(made ? `wrote ${path.relative(ROOT, ICON_DIR)}/ from ${path.relative(ROOT, ICON_SOURCE)}` : 'icons are up to date');
}
