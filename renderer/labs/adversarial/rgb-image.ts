/**
 * 8-bit RGB rows (what the engine sends) into canvas pixels, and the amplified difference
 * between two images in diverging colours. Each writes into an ImageData the caller keeps, so a
 * new step costs one pass over the pixels and no allocation.
 */

/** RGB rows into RGBA, alpha opaque. */
export function rgbToImageData(rgb: Uint8Array, out: ImageData): void {
  const d = out.data;
  const n = out.width * out.height;
  for (let p = 0, i = 0, j = 0; p < n; p++, i += 3, j += 4) {
    d[j] = rgb[i]!;
    d[j + 1] = rgb[i + 1]!;
    d[j + 2] = rgb[i + 2]!;
    d[j + 3] = 255;
  }
}

/**
 * Per pixel, the change of the channel that moved most (its sign kept), times `gain`: red for
 * brighter, blue for darker, white where nothing changed. Taking the largest channel rather than
 * the mean keeps a pixel white exactly when it is unchanged (as L0 counts it): sign attacks move
 * channels in opposite directions, which a mean would hide. With `original` null, `adversarial`
 * is the change itself (a universal perturbation's δ, signed levels).
 */
export function differenceToImageData(original: ArrayLike<number> | null, adversarial: ArrayLike<number>, gain: number, out: ImageData): void {
  const d = out.data;
  const n = out.width * out.height;
  for (let p = 0, i = 0, j = 0; p < n; p++, i += 3, j += 4) {
    let change = 0;
    for (let c = 0; c < 3; c++) {
      const v = original ? adversarial[i + c]! - original[i + c]! : adversarial[i + c]!;
      if (Math.abs(v) > Math.abs(change)) change = v;
    }
    const fade = 255 - Math.min(255, Math.round(Math.abs(change) * gain));
    if (change > 0) {
      d[j] = 255;
      d[j + 1] = fade;
      d[j + 2] = fade;
    } else {
      d[j] = fade;
      d[j + 1] = fade;
      d[j + 2] = 255;
    }
    d[j + 3] = 255;
  }
}
