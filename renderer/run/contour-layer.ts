/**
 * What the contour maps share (the regression lab's loss valley, the surface lab's f): filled
 * iso-bands from a grid of values, each lane's path from its history up to the iteration shown,
 * and the marker at its end.
 */
import { contours } from 'd3-contour';
import { toPxX, toPxY, type PlotFrame } from './plot-frame';
import type { ThinnedHistory } from './thinned-history';

const RAMP = ['#fff4d6', '#f3f1e4', '#dde7f2', '#c2d3ea', '#a9bfe0'];
/** A path of more points than this is drawn through every k-th one: same shape, bounded cost. */
const MAX_PATH_POINTS = 4000;
/** Path points nearer than this (CSS pixels, both ways) to the previous one are skipped. */
const MIN_SEGMENT_PX = 1;

/**
 * Bands between `thresholds` (ascending) over a grid of nx × ny values; `toPx` maps grid
 * coordinates (0…nx, 0…ny) to the canvas. The lowest band is pale, the walls cooler blues.
 */
export function drawContourBands(
  ctx: CanvasRenderingContext2D,
  values: ArrayLike<number>,
  nx: number,
  ny: number,
  thresholds: number[],
  toPx: (gx: number, gy: number) => [number, number],
): void {
  const bands = contours().size([nx, ny]).thresholds(thresholds)(Array.from(values));
  bands.forEach((band, k) => {
    ctx.beginPath();
    for (const polygon of band.coordinates) {
      for (const ring of polygon) {
        ring.forEach(([x, y], i) => {
          const [px, py] = toPx(x!, y!);
          if (i === 0) ctx.moveTo(px, py);
          else ctx.lineTo(px, py);
        });
        ctx.closePath();
      }
    }
    ctx.fillStyle = contourRamp((k + 1) / bands.length);
    ctx.fill('evenodd');
    ctx.strokeStyle = 'rgba(52, 74, 120, 0.35)';
    ctx.lineWidth = 0.8;
    ctx.stroke();
  });
}

/** Colour for band t in (0, 1]: pale warm near the minimum, cooler blues up the walls. */
export function contourRamp(t: number): string {
  const pos = Math.min(0.9999, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.floor(pos);
  const u = pos - i;
  const a = hex(RAMP[i]!);
  const b = hex(RAMP[i + 1]!);
  const mix = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * u);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

function hex(c: string): number[] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}

/**
 * A lane's path through (xKey, yKey) up to iteration `shown` (timeline scrubbing), and a dot
 * at its end. Returns the end in pixels, or null when it is not a finite point.
 */
export function drawLanePath<K extends string>(
  ctx: CanvasRenderingContext2D,
  f: PlotFrame,
  h: ThinnedHistory<K>,
  xKey: K,
  yKey: K,
  shown: number,
  colour: string,
  /** Where a recorded (x, y) sits on the map, when the map's axes are not the history's (the regression lab's normalised view). */
  map: (x: number, y: number) => [number, number] = (x, y) => [x, y],
): [number, number] | null {
  if (h.length === 0) return null;
  const xs = h.values[xKey];
  const ys = h.values[yKey];
  ctx.beginPath();
  const upTo = shown >= h.lastIteration ? h.length : Math.min(h.length, Math.floor(shown / h.stride) + 1);
  const step = Math.max(1, Math.ceil(upTo / MAX_PATH_POINTS));
  // Points closer than a pixel to the last one drawn add nothing visible, but a converged lane
  // piles thousands of them on one spot, and stroking those (round joins and all) in software
  // rendering was most of a frame with eight lanes on a long run.
  let px = NaN;
  let py = NaN;
  for (let k = 0; k < upTo; k += step) {
    const [mx, my] = map(xs[k]!, ys[k]!);
    const x = toPxX(f, mx);
    const y = toPxY(f, my);
    if (!Number.isFinite(x) || !Number.isFinite(y)) break;
    if (Number.isNaN(px)) ctx.moveTo(x, y);
    else if (Math.abs(x - px) < MIN_SEGMENT_PX && Math.abs(y - py) < MIN_SEGMENT_PX) continue;
    else ctx.lineTo(x, y);
    px = x;
    py = y;
  }
  const [ex, ey] = map(h.at(xKey, shown), h.at(yKey, shown));
  const lx = toPxX(f, ex);
  const ly = toPxY(f, ey);
  const end = Number.isFinite(lx) && Number.isFinite(ly);
  if (end) ctx.lineTo(lx, ly);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  ctx.stroke();
  if (!end) return null;
  ctx.beginPath();
  ctx.arc(lx, ly, 4.5, 0, 2 * Math.PI);
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  return [lx, ly];
}

/** A known minimum: a dark cross, visible over any band colour. */
export function drawMinimumMarker(ctx: CanvasRenderingContext2D, px: number, py: number, half = 6): void {
  ctx.save();
  ctx.strokeStyle = '#1f2329';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(px - half, py - half);
  ctx.lineTo(px + half, py + half);
  ctx.moveTo(px + half, py - half);
  ctx.lineTo(px - half, py + half);
  ctx.stroke();
  ctx.restore();
}

/** The exact minimum of a loss map: the marker with "minimum" beside it, on the side with room. */
export function drawLabelledMinimum(ctx: CanvasRenderingContext2D, f: PlotFrame, px: number, py: number): void {
  drawMinimumMarker(ctx, px, py, 7);
  ctx.font = '600 11px system-ui, sans-serif';
  ctx.fillStyle = '#1f2329';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = px > f.left + f.width - 80 ? 'right' : 'left';
  ctx.fillText('minimum', px + (ctx.textAlign === 'right' ? -9 : 9), py - 4);
}

/**
 * drawContourBands' `toPx` for an n × n grid over `window` whose node (i, j) is
 * (xMin + i·dx, yMin + j·dy): d3-contour puts node i at i + 0.5.
 */
export function gridToPx(f: PlotFrame, window: { xMin: number; xMax: number; yMin: number; yMax: number }, n: number): (gx: number, gy: number) => [number, number] {
  return (gx, gy) => [toPxX(f, window.xMin + ((gx - 0.5) / (n - 1)) * (window.xMax - window.xMin)), toPxY(f, window.yMin + ((gy - 0.5) / (n - 1)) * (window.yMax - window.yMin))];
}
