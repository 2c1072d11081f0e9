/** The plot coordinates under a pointer on the frame's canvas, or null outside the plot area. */
export function pointerInFrame(f: PlotFrame, e: { clientX: number; clientY: number; currentTarget: Element }): { x: number; y: number } | null {
  const r = e.currentTarget.getBoundingClientRect();
  const px = e.clientX - r.left;
  const py = e.clientY - r.top;
  if (px < f.left || px > f.left + f.width || py < f.top || py > f.top + f.height) return null;
  return { x: fromPxX(f, px), y: fromPxY(f, py) };
}

/**
 * Data-to-pixel mapping for the hand-drawn canvas views (scatter, contour) and the axes they
 * share. Pixels are CSS pixels; `fitCanvas` has already scaled the context for the device.
 */
import { formatTicks, niceTicks } from '../nice-ticks';

export interface PlotFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export const PLOT_MARGIN = { left: 58, right: 14, top: 10, bottom: 38 } as const;

export function makeFrame(cssWidth: number, cssHeight: number, xMin: number, xMax: number, yMin: number, yMax: number): PlotFrame {
  const m = PLOT_MARGIN;
  return {
    left: m.left,
    top: m.top,
    width: Math.max(10, cssWidth - m.left - m.right),
    height: Math.max(10, cssHeight - m.top - m.bottom),
    xMin,
    xMax,
    yMin,
    yMax,
  };
}

export const toPxX = (f: PlotFrame, x: number) => f.left + ((x - f.xMin) / (f.xMax - f.xMin)) * f.width;
export const toPxY = (f: PlotFrame, y: number) => f.top + (1 - (y - f.yMin) / (f.yMax - f.yMin)) * f.height;
export const fromPxX = (f: PlotFrame, px: number) => f.xMin + ((px - f.left) / f.width) * (f.xMax - f.xMin);
export const fromPxY = (f: PlotFrame, py: number) => f.yMin + (1 - (py - f.top) / f.height) * (f.yMax - f.yMin);

export function clipToFrame(ctx: CanvasRenderingContext2D, f: PlotFrame): void {
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
}

export const AXIS_COLOUR = '#5b6470';
export const GRID_COLOUR = '#e6e9ee';
const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

/** Grid lines, tick labels and axis titles. */
export function drawAxes(ctx: CanvasRenderingContext2D, f: PlotFrame, xLabel: string, yLabel: string, grid = true): void {
  const xt = niceTicks(f.xMin, f.xMax, Math.max(2, Math.floor(f.width / 80)));
  const yt = niceTicks(f.yMin, f.yMax, Math.max(2, Math.floor(f.height / 45)));
  ctx.save();
  ctx.font = FONT;
  ctx.lineWidth = 1;
  if (grid) {
    ctx.strokeStyle = GRID_COLOUR;
    ctx.beginPath();
    for (const v of xt) {
      const x = Math.round(toPxX(f, v)) + 0.5;
      ctx.moveTo(x, f.top);
      ctx.lineTo(x, f.top + f.height);
    }
    for (const v of yt) {
      const y = Math.round(toPxY(f, v)) + 0.5;
      ctx.moveTo(f.left, y);
      ctx.lineTo(f.left + f.width, y);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = '#c3c9d2';
  ctx.strokeRect(f.left + 0.5, f.top + 0.5, f.width - 1, f.height - 1);
  ctx.fillStyle = AXIS_COLOUR;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xLabels = formatTicks(xt);
  xt.forEach((v, i) => ctx.fillText(xLabels[i]!, toPxX(f, v), f.top + f.height + 4));
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yLabels = formatTicks(yt);
  yt.forEach((v, i) => ctx.fillText(yLabels[i]!, f.left - 5, toPxY(f, v)));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(xLabel, f.left + f.width / 2, f.top + f.height + 36);
  ctx.translate(12, f.top + f.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

/** A view's static layer (axes, data, contours), drawn once per key onto an offscreen canvas. */
export interface CachedLayer {
  key: string;
  canvas: HTMLCanvasElement;
}

/**
 * Copies the static layer to `ctx`, redrawing it first when `key` changed (new data, window
 * or size): the frame loop then only draws what moves.
 */
export function blitCachedLayer(
  ctx: CanvasRenderingContext2D,
  cache: { current: CachedLayer | null },
  key: string,
  draw: () => HTMLCanvasElement,
): void {
  if (cache.current?.key !== key) cache.current = { key, canvas: draw() };
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(cache.current.canvas, 0, 0);
  ctx.restore();
}
