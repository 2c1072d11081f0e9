/**
 * Distances between the original and the adversarial bytes, against hand-computed values and,
 * for SSIM, a direct (non-separable) evaluation of Wang et al.'s windowed formula.
 */
import { describe, expect, it } from 'vitest';
import { imageDistance, ssim, ssimFrom, ssimReference } from '../../../../main/engine/adversarial/image-distance';
import { mulberry32 } from '../../../../main/engine/random';

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** SSIM straight from the definition: an 11×11 Gaussian window (σ 1.5) at every valid position. */
function referenceSsim(a: Uint8Array, b: Uint8Array, w: number, h: number): number {
  const g1 = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 ** 2)));
  const total = g1.reduce((s, v) => s + v, 0);
  const g = g1.map((v) => v / total);
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    let channel = 0;
    let count = 0;
    for (let y = 0; y + 11 <= h; y++) {
      for (let x = 0; x + 11 <= w; x++) {
        let mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
        for (let j = 0; j < 11; j++) {
          for (let i = 0; i < 11; i++) {
            const k = g[i]! * g[j]!;
            const p = ((y + j) * w + (x + i)) * 3 + c;
            const u = a[p]!;
            const v = b[p]!;
            mx += k * u;
            my += k * v;
            sxx += k * u * u;
            syy += k * v * v;
            sxy += k * u * v;
          }
        }
        const vx = sxx - mx * mx;
        const vy = syy - my * my;
        const cov = sxy - mx * my;
        channel += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
        count++;
      }
    }
    sum += channel / count;
  }
  return sum / 3;
}

describe('imageDistance', () => {
  it('L∞, L2, L0 and PSNR of a hand-made 2×2 change', () => {
    const original = new Uint8Array(12).fill(100);
    const adversarial = original.slice();
    adversarial[0] = 103; // pixel 0, red +3
    adversarial[5] = 96; // pixel 1, blue −4
    adversarial[9] = 101; // pixel 3, red +1
    adversarial[10] = 99; // pixel 3, green −1
    const d = imageDistance(original, adversarial, 2, 2);
    expect(d.linf).toBe(4);
    expect(d.l2).toBeCloseTo(Math.sqrt(9 + 16 + 1 + 1), 12);
    expect(d.l0Pixels).toBe(3);
    // MSE = 27 / 12 = 2.25; PSNR = 10·log10(255² / 2.25) = 10·log10(28,900).
    expect(d.psnrDb).toBeCloseTo(10 * Math.log10(28_900), 12);
  });

  it('identical images: zero distances, PSNR null (infinite), SSIM 1', () => {
    const img = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256);
    expect(imageDistance(img, img, 16, 16)).toEqual({ linf: 0, l2: 0, l0Pixels: 0, psnrDb: null, ssim: 1 });
  });

  it('SSIM of two flat images is the luminance term alone: (2ab + C1)/(a² + b² + C1)', () => {
    const a = new Uint8Array(16 * 16 * 3).fill(100);
    const b = new Uint8Array(16 * 16 * 3).fill(110);
    expect(ssim(a, b, 16, 16)).toBeCloseTo((2 * 100 * 110 + C1) / (100 ** 2 + 110 ** 2 + C1), 12);
    // Smaller than the window: one global window, the same value for flat images.
    expect(ssim(a.subarray(0, 5 * 4 * 3), b.subarray(0, 5 * 4 * 3), 5, 4)).toBeCloseTo((2 * 100 * 110 + C1) / (100 ** 2 + 110 ** 2 + C1), 12);
  });

  it('SSIM matches the direct windowed evaluation on a noisy image', () => {
    const [w, h] = [20, 17];
    const random = mulberry32(3);
    const a = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(random() * 256));
    const b = a.map((v) => Math.min(255, Math.max(0, v + Math.round((random() - 0.5) * 40))));
    const expected = referenceSsim(a, b, w, h);
    expect(expected).toBeGreaterThan(0.5);
    expect(expected).toBeLessThan(0.99);
    expect(ssim(a, b, w, h)).toBeCloseTo(expected, 10);
  });

  it('SSIM against an original blurred once is the same number, step after step, as blurring both each time', () => {
    for (const [w, h] of [[20, 17], [6, 5]] as const) {
      const random = mulberry32(11);
      const a = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(random() * 256));
      const ref = ssimReference(a, w, h);
      for (let step = 1; step <= 3; step++) {
        const b = a.map((v) => Math.min(255, Math.max(0, v + Math.round((random() - 0.5) * 10 * step))));
        expect(ssimFrom(ref, b)).toBe(ssim(a, b, w, h));
        expect(imageDistance(a, b, w, h, ref)).toEqual(imageDistance(a, b, w, h));
        if (w > 11) expect(ssimFrom(ref, b)).toBeCloseTo(referenceSsim(a, b, w, h), 10);
      }
    }
  });

  it('refuses images of different sizes', () => {
    expect(() => imageDistance(new Uint8Array(12), new Uint8Array(9), 2, 2)).toThrow(RangeError);
  });
});
