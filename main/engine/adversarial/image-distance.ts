/**
 * How far an adversarial image is from the original, measured on 8-bit RGB (height × width × 3,
 * row-major) — the bytes that are saved and re-classified. Distances are in pixel levels
 * (1 level = 1/255, the unit ε and step sizes use).
 */
import type { ImageDistance } from '../../protocol/adversarial';

export type { ImageDistance } from '../../protocol/adversarial';

export function imageDistance(original: Uint8Array, adversarial: Uint8Array, width: number, height: number): ImageDistance {
  if (original.length !== width * height * 3 || adversarial.length !== original.length) throw new RangeError('images must both be width × height × 3 bytes');
  let linf = 0;
  let sumSq = 0;
  let l0Pixels = 0;
  for (let p = 0; p < original.length; p += 3) {
    let changed = false;
    for (let c = 0; c < 3; c++) {
      const d = adversarial[p + c]! - original[p + c]!;
      if (d !== 0) {
        changed = true;
        linf = Math.max(linf, Math.abs(d));
        sumSq += d * d;
      }
    }
    if (changed) l0Pixels++;
  }
  const mse = sumSq / original.length;
  return {
    linf,
    l2: Math.sqrt(sumSq),
    l0Pixels,
    psnrDb: mse === 0 ? null : 10 * Math.log10((255 * 255) / mse),
    ssim: ssim(original, adversarial, width, height),
  };
}

const GAUSS_RADIUS = 5;
const GAUSS = (() => {
  const w = Array.from({ length: 2 * GAUSS_RADIUS + 1 }, (_, i) => Math.exp(-((i - GAUSS_RADIUS) ** 2) / (2 * 1.5 * 1.5)));
  const sum = w.reduce((a, b) => a + b, 0);
  return Float64Array.from(w, (v) => v / sum);
})();

/** Separable Gaussian filter over the valid region (no padding), as Wang et al.'s reference code. */
function blur(src: Float64Array, width: number, height: number): Float64Array {
  const k = GAUSS.length;
  const w1 = width - k + 1;
  const h1 = height - k + 1;
  const rows = new Float64Array(height * w1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < w1; x++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += GAUSS[i]! * src[y * width + x + i]!;
      rows[y * w1 + x] = s;
    }
  }
  const out = new Float64Array(h1 * w1);
  for (let y = 0; y < h1; y++) {
    for (let x = 0; x < w1; x++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += GAUSS[i]! * rows[(y + i) * w1 + x]!;
      out[y * w1 + x] = s;
    }
  }
  return out;
}

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) with L = 255, averaged over the
 * valid-region SSIM map of each channel and then over channels. Images smaller than the 11×11
 * window compare by a single global window.
 */
export function ssim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const n = width * height;
  let total = 0;
  for (let c = 0; c < 3; c++) {
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = a[i * 3 + c]!;
      y[i] = b[i * 3 + c]!;
    }
    if (width < GAUSS.length || height < GAUSS.length) {
      total += globalSsim(x, y, c1, c2);
      continue;
    }
    const xx = x.map((v) => v * v);
    const yy = y.map((v) => v * v);
    const xy = x.map((v, i) => v * y[i]!);
    const [mx, my, sxx, syy, sxy] = [x, y, xx, yy, xy].map((m) => blur(m, width, height)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let sum = 0;
    for (let i = 0; i < mx.length; i++) {
      const mux = mx[i]!;
      const muy = my[i]!;
      const vx = sxx[i]! - mux * mux;
      const vy = syy[i]! - muy * muy;
      const cov = sxy[i]! - mux * muy;
      sum += ((2 * mux * muy + c1) * (2 * cov + c2)) / ((mux * mux + muy * muy + c1) * (vx + vy + c2));
    }
    total += sum / mx.length;
  }
  return total / 3;
}

function globalSsim(x: Float64Array, y: Float64Array, c1: number, c2: number): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]! / n;
    my += y[i]! / n;
  }
  let vx = 0;
  let vy = 0;
  let cov = 0;
  for (let i = 0; i < n; i++) {
    vx += (x[i]! - mx) ** 2 / n;
    vy += (y[i]! - my) ** 2 / n;
    cov += ((x[i]! - mx) * (y[i]! - my)) / n;
  }
  return ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
}
