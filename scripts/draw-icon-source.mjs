// Draws assets/icon.png (1024×1024, the size macOS asks for): the contour lines of a loss bowl
// and a descent path of dots sliding to its minimum. This is the one source image: every icon
// the installers need is made from it by scripts/make-installer-icons.mjs (run by the build). By hand:
//   node scripts/draw-icon-source.mjs
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const SIZE = 1024;
/** The drawing was designed on a 512 px canvas; every length below is in those units × K. */
const K = SIZE / 512;
const rgba = new Uint8Array(SIZE * SIZE * 4);

/** Alpha-blends one colour over the pixel, with coverage in [0, 1]. */
function blend(x, y, [r, g, b], coverage) {
  if (x < 0 || y < 0 || x >= SIZE || y >= SIZE || coverage <= 0) return;
  const i = (y * SIZE + x) * 4;
  const a = Math.min(1, coverage);
  rgba[i] = rgba[i] * (1 - a) + r * a;
  rgba[i + 1] = rgba[i + 1] * (1 - a) + g * a;
  rgba[i + 2] = rgba[i + 2] * (1 - a) + b * a;
  rgba[i + 3] = Math.max(rgba[i + 3], 255 * a);
}

const cx = 256 * K;
const cy = 256 * K;
// The bowl: loss(u, v) = u² + 4v² in a frame rotated by 30°, so the contours are tilted ellipses.
const tilt = Math.PI / 6;
const loss = (x, y) => {
  const dx = (x - cx) / (200 * K);
  const dy = (y - cy) / (200 * K);
  const u = dx * Math.cos(tilt) + dy * Math.sin(tilt);
  const v = -dx * Math.sin(tilt) + dy * Math.cos(tilt);
  return u * u + 4 * v * v;
};

// Background: a rounded square with a vertical gradient, anti-aliased at the corners.
const radius = 96 * K;
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const qx = Math.max(radius - x - 0.5, x + 0.5 - (SIZE - radius), 0);
    const qy = Math.max(radius - y - 0.5, y + 0.5 - (SIZE - radius), 0);
    const outside = Math.hypot(qx, qy) - radius;
    const t = y / SIZE;
    blend(x, y, [Math.round(24 + 10 * t), Math.round(30 + 20 * t), Math.round(58 + 40 * t)], 0.5 - outside);
  }
}

// Contours: anti-aliased bands where the loss crosses each level, brighter towards the minimum.
const levels = [0.04, 0.12, 0.25, 0.42, 0.64, 0.9];
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const f = loss(x, y);
    const grad = Math.hypot(loss(x + 1, y) - f, loss(x, y + 1) - f) || 1e-9;
    levels.forEach((level, k) => {
      const distPx = Math.abs(f - level) / grad; // distance to the level curve, in pixels
      const shade = 1 - k / levels.length;
      const colour = [Math.round(80 + 120 * shade), Math.round(140 + 90 * shade), 255];
      blend(x, y, colour, (1.6 * K - distPx) * 0.75);
    });
  }
}

// The path: gradient descent from the rim with a step that zig-zags across the narrow valley.
function disc(px, py, r, colour) {
  for (let y = Math.floor(py - r - 1); y <= py + r + 1; y++) {
    for (let x = Math.floor(px - r - 1); x <= px + r + 1; x++) blend(x, y, colour, r + 0.5 - Math.hypot(x + 0.5 - px, y + 0.5 - py));
  }
}
let u = 0.8;
let v = 0.22; // starts just inside the outer contour (loss ≈ 0.83)
const points = [];
for (let i = 0; i < 9; i++) {
  points.push([u, v]);
  u -= 0.18 * 2 * u;
  v -= 0.22 * 8 * v; // |1 - 1.76| > 0: the v coordinate overshoots and flips sign each step
}
const toPixel = ([pu, pv]) => [
  cx + 200 * K * (pu * Math.cos(tilt) - pv * Math.sin(tilt)),
  cy + 200 * K * (pu * Math.sin(tilt) + pv * Math.cos(tilt)),
];
const orange = [255, 170, 60];
for (let i = 0; i + 1 < points.length; i++) {
  const [x0, y0] = toPixel(points[i]);
  const [x1, y1] = toPixel(points[i + 1]);
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
  for (let s = 0; s <= steps; s++) disc(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, 3 * K, orange);
}
points.forEach((p, i) => {
  const [x, y] = toPixel(p);
  disc(x, y, (13 - i) * K, [255, 255, 255]);
  disc(x, y, (10 - i) * K, orange);
});

// sharp (a dependency already, for the installers' icon sizes) encodes the PNG.
const out = fileURLToPath(new URL('../assets/icon.png', import.meta.url));
const info = await sharp(rgba, { raw: { width: SIZE, height: SIZE, channels: 4 } }).png({ compressionLevel: 9 }).toFile(out);
console.log(`wrote ${out} (${info.size} bytes)`);
