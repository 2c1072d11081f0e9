export interface CanvasSize {
  /** CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  /** True when the backing store was resized (and so cleared) by this call. */
  resized: boolean;
}

/**
 * Matches a canvas's backing store to its laid-out size times devicePixelRatio, so lines stay
 * crisp; called from the frame loop instead of a ResizeObserver because the loop runs anyway.
 * Leaves the context scaled so drawing code works in CSS pixels.
 */
export function fitCanvas(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D): CanvasSize {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth));
  const height = Math.max(1, Math.round(canvas.clientHeight));
  const bw = Math.round(width * dpr);
  const bh = Math.round(height * dpr);
  const resized = canvas.width !== bw || canvas.height !== bh;
  if (resized) {
    canvas.width = bw;
    canvas.height = bh;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { width, height, dpr, resized };
}
