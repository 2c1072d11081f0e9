/**
 * How far an adversarial image is from the original, measured on 8-bit RGB (height × width × 3,
 * row-major) — the bytes that are saved and re-classified. Distances are in pixel levels
 * (1 level = 1/255, the unit ε and step sizes use).
 */
import type { ImageDistance } from '../../protocol/adversarial';

export type { ImageDistance } from '../../protocol/adversarial';

/** `reference`: the original blurred once for SSIM (ssimReference), when it is measured again and again. */
export function imageDistance(original: Uint8Array, adversarial: Uint8Array, width: number, height: number, reference?: SsimReference): ImageDistance {
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
    ssim: reference && reference.a === original ? ssimFrom(reference, adversarial) : ssim(original, adversarial, width, height),
  };
}

const GAUSS_RADIUS = 5;
const GAUSS = (() => {
  const w = Array.from({ length: 2 * GAUSS_RADIUS + 1 }, (_, i) => Math.exp(-((i - GAUSS_RADIUS) ** 2) / (2 * 1.5 * 1.5)));
  const sum = w.reduce((a, b) => a + b, 0);
  return Float64Array.from(w, (v) => v / sum);
})();

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) with L = 255, averaged over the
 * valid-region SSIM map of each channel and then over channels. Images smaller than the 11×11
 * window compare by a single global window.
 *
 * The Gaussian is separable: one pass along rows blurs x, y, x², y² and xy together (without
 * storing the products), one pass down columns finishes the five blurs and sums the SSIM map
 * without storing it: 19 ms for 224×224 RGB on the 2-core machine against 79 ms for five
 * separate blurs (same load, same result), and it runs on every attack step — where the
 * original's two blurs are done once per run (ssimReference) and a step does the other three.
 */
export function ssim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  return ssimFrom(ssimReference(a, width, height), b);
}

/**
 * The original's side of SSIM, blurred once: its local means and mean squares per channel. An
 * attack measures every step against the same original, so a step then blurs only the
 * adversarial image's three sums (y, y², xy) instead of five. The arithmetic is the same, term
 * for term, so the result is identical to blurring all five each time.
 */
export interface SsimReference {
  readonly a: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Per channel, the valid region's μx and E[x²] (row-major, (height − 10) × (width − 10)); empty below the window's size. */
  readonly mux: Float64Array[];
  readonly exx: Float64Array[];
}

/** Blurs the original once (see SsimReference). */
export function ssimReference(a: Uint8Array, width: number, height: number): SsimReference {
  const k = GAUSS.length;
  if (width < k || height < k) return { a, width, height, mux: [], exx: [] };
  const w1 = width - k + 1;
  const h1 = height - k + 1;
  const rx = new Float64Array(height * w1);
  const rxx = new Float64Array(height * w1);
  const mux: Float64Array[] = [];
  const exx: Float64Array[] = [];
  for (let c = 0; c < 3; c++) {
    for (let yy = 0; yy < height; yy++) {
      const rowStart = yy * width;
      for (let xx = 0; xx < w1; xx++) {
        let sx = 0, sxx = 0;
        for (let i = 0; i < k; i++) {
          const g = GAUSS[i]!;
          const u = a[(rowStart + xx + i) * 3 + c]!;
          sx += g * u;
          sxx += g * u * u;
        }
        const o = yy * w1 + xx;
        rx[o] = sx;
        rxx[o] = sxx;
      }
    }
    const m = new Float64Array(h1 * w1);
    const e = new Float64Array(h1 * w1);
    for (let yy = 0; yy < h1; yy++) {
      for (let xx = 0; xx < w1; xx++) {
        let mx = 0, ex = 0;
        for (let i = 0; i < k; i++) {
          const g = GAUSS[i]!;
          const o = (yy + i) * w1 + xx;
          mx += g * rx[o]!;
          ex += g * rxx[o]!;
        }
        m[yy * w1 + xx] = mx;
        e[yy * w1 + xx] = ex;
      }
    }
    mux.push(m);
    exx.push(e);
  }
  return { a, width, height, mux, exx };
}

/** SSIM of `b` against the original `ref` was made from. */
export function ssimFrom(ref: SsimReference, b: Uint8Array): number {
  const { a, width, height } = ref;
  if (b.length !== a.length) throw new RangeError('images must both be width × height × 3 bytes');
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const k = GAUSS.length;
  if (width < k || height < k) {
    let total = 0;
    for (let c = 0; c < 3; c++) {
      const x = new Float64Array(width * height);
      const y = new Float64Array(width * height);
      for (let i = 0; i < x.length; i++) {
        x[i] = a[i * 3 + c]!;
        y[i] = b[i * 3 + c]!;
      }
      total += globalSsim(x, y, c1, c2);
    }
    return total / 3;
  }
  const w1 = width - k + 1;
  const h1 = height - k + 1;
  const n = height * w1;
  const [ry, ryy, rxy] = [0, 1, 2].map(() => new Float64Array(n)) as [Float64Array, Float64Array, Float64Array];
  let total = 0;
  for (let c = 0; c < 3; c++) {
    for (let yy = 0; yy < height; yy++) {
      const rowStart = yy * width;
      for (let xx = 0; xx < w1; xx++) {
        let sy = 0, syy = 0, sxy = 0;
        for (let i = 0; i < k; i++) {
          const g = GAUSS[i]!;
          const p = (rowStart + xx + i) * 3 + c;
          const u = a[p]!;
          const v = b[p]!;
          sy += g * v;
          syy += g * v * v;
          sxy += g * u * v;
        }
        const o = yy * w1 + xx;
        ry[o] = sy;
        ryy[o] = syy;
        rxy[o] = sxy;
      }
    }
    const mux = ref.mux[c]!;
    const exx = ref.exx[c]!;
    let sum = 0;
    for (let yy = 0; yy < h1; yy++) {
      for (let xx = 0; xx < w1; xx++) {
        let muy = 0, eyy = 0, exy = 0;
        for (let i = 0; i < k; i++) {
          const g = GAUSS[i]!;
          const o = (yy + i) * w1 + xx;
          muy += g * ry[o]!;
          eyy += g * ryy[o]!;
          exy += g * rxy[o]!;
        }
        const q = yy * w1 + xx;
        const mx = mux[q]!;
        const vx = exx[q]! - mx * mx;
        const vy = eyy - muy * muy;
        const cov = exy - mx * muy;
        sum += ((2 * mx * muy + c1) * (2 * cov + c2)) / ((mx * mx + muy * muy + c1) * (vx + vy + c2));
      }
    }
    total += sum / (h1 * w1);
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
