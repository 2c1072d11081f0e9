import { useRef, type PointerEvent as ReactPointerEvent } from 'react';
import type { Dataset, LeastSquares, RegressionStats } from '../../../main/protocol/messages';
import { plotXRange } from '../../../main/protocol/regression-model';
import { fitCanvas } from '../../fit-canvas';
import { useAnimationFrame } from '../../use-animation-frame';
import { blitCachedLayer, clipToFrame, drawAxes, fromPxX, fromPxY, makeFrame, toPxX, toPxY, type CachedLayer, type PlotFrame } from '../../run/plot-frame';
import type { RunStore } from './run-store';

interface ScatterViewProps {
  dataset: Dataset | null;
  dataStats: RegressionStats | null;
  dataExact: LeastSquares | null;
  store: RunStore;
  /** The starting line, in data units like everything the engine reports. */
  start: Line;
  onStartChange: (slope: number, intercept: number) => void;
  /**
   * A model that is not the line, as the engine sampled it (the page evaluates no formula): the
   * exact fit's curve and the start's at `xs`. Then those are drawn instead of the exact and
   * starting lines, which cannot be dragged.
   */
  curves: ModelCurves | null;
}

export interface ModelCurves {
  xs: Float64Array;
  exact: Float64Array | null;
  start: Float64Array | null;
}

export interface Line {
  slope: number;
  intercept: number;
}

type DragMode = 'shift' | 'rotate';

interface Drag {
  mode: DragMode;
  grabY: number;
  grabIntercept: number;
  pivotX: number;
  pivotY: number;
}

export const SCATTER_HELP =
  'Drag the grey starting line up or down to change its intercept (slope kept). ' +
  'Drag the square handle, or Shift-drag the line, to turn it about the round handle (changes the slope).';

const HIT_PX = 10;
/** Above this many points the background draws a stride sample: the cloud looks the same. */
const MAX_DRAWN_POINTS = 200_000;

/** Data as dots, every lane's current line in its colour, the exact fit dashed. */
export function ScatterView({ dataset, dataStats, dataExact, store, start, onStartChange, curves }: ScatterViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const background = useRef<CachedLayer | null>(null);
  const frameRef = useRef<PlotFrame | null>(null);
  const drawn = useRef('');
  const drag = useRef<Drag | null>(null);

  useAnimationFrame(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const size = fitCanvas(canvas, ctx);
    const key = `${store.version}|${start.slope}|${start.intercept}|${canvas.width}x${canvas.height}|${dataset?.name}|${dataset?.xColumn}|${dataset?.x.length}|${curves ? curvesKey(curves) : ''}`;
    if (key === drawn.current && !size.resized) return;
    drawn.current = key;

    ctx.clearRect(0, 0, size.width, size.height);
    if (!dataset || !dataStats) {
      frameRef.current = null;
      return;
    }
    const f = frameFor(dataset, size.width, size.height);
    frameRef.current = f;
    const bgKey = `${dataset.name}|${dataset.xColumn}|${dataset.yColumn}|${dataset.x.length}|${canvas.width}x${canvas.height}`;
    blitCachedLayer(ctx, background, bgKey, () => drawBackground(dataset, f, canvas.width, canvas.height, size.dpr));

    ctx.save();
    clipToFrame(ctx, f);
    if (curves) {
      if (curves.exact) drawCurve(ctx, f, curves.xs, curves.exact, '#1f2329', 1.5, [6, 4]);
      if (curves.start) drawCurve(ctx, f, curves.xs, curves.start, START_COLOUR, 3, []);
    } else {
      if (dataExact) drawLine(ctx, f, dataExact, '#1f2329', 1.5, [6, 4]);
      drawLine(ctx, f, start, START_COLOUR, 3, []);
    }
    const shown = store.shownIteration;
    for (const lane of store.lanes) {
      const h = lane.history;
      if (store.model) {
        // A model's lanes: the curve the engine sampled at (or last before) the iteration shown.
        const curve = store.curveAt(lane, shown);
        if (curve) drawCurve(ctx, f, store.model.xs, curve, lane.colour, 2, []);
        continue;
      }
      const line = { slope: h.at('slope', shown), intercept: h.at('intercept', shown) };
      if (h.lastIteration < 0 || !Number.isFinite(line.slope) || !Number.isFinite(line.intercept)) continue;
      drawLine(ctx, f, line, lane.colour, 2, []);
    }
    if (!curves) drawHandles(ctx, f, start);
    ctx.restore();
  });

  const local = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { px: e.clientX - r.left, py: e.clientY - r.top };
  };

  const hit = (px: number, py: number, shiftKey: boolean): DragMode | null => {
    const f = frameRef.current;
    if (!f || curves) return null;
    const h = handlePoints(f, start);
    if (Math.hypot(px - h.rotate.px, py - h.rotate.py) <= HIT_PX) return 'rotate';
    if (Math.hypot(px - h.pivot.px, py - h.pivot.py) <= HIT_PX) return 'shift';
    // Perpendicular distance in pixels, so a steep line is as easy to grab as a flat one.
    const lineY = toPxY(f, start.slope * fromPxX(f, px) + start.intercept);
    const pxSlope = (toPxY(f, start.slope * f.xMax + start.intercept) - toPxY(f, start.slope * f.xMin + start.intercept)) / f.width;
    const dist = Math.abs(py - lineY) / Math.sqrt(1 + pxSlope * pxSlope);
    if (dist <= HIT_PX) return shiftKey ? 'rotate' : 'shift';
    return null;
  };

  return (
    <canvas
      ref={canvasRef}
      className="view-canvas"
      data-testid="scatter"
      title={SCATTER_HELP}
      role="img"
      aria-label="Scatter plot of the data with each lane's line, the exact least-squares line and the starting line; the lines' slopes and intercepts are in the readouts"
      onPointerDown={(e) => {
        const f = frameRef.current;
        const { px, py } = local(e);
        const mode = hit(px, py, e.shiftKey);
        if (!f || !mode) return;
        const pivotX = (f.xMin + f.xMax) / 2;
        drag.current = {
          mode,
          grabY: fromPxY(f, py),
          grabIntercept: start.intercept,
          pivotX,
          pivotY: start.slope * pivotX + start.intercept,
        };
        e.currentTarget.setPointerCapture(e.pointerId);
        e.preventDefault();
      }}
      onPointerMove={(e) => {
        const f = frameRef.current;
        const { px, py } = local(e);
        const d = drag.current;
        if (!d || !f) {
          const mode = hit(px, py, e.shiftKey);
          e.currentTarget.style.cursor = mode === 'rotate' ? 'grab' : mode === 'shift' ? 'ns-resize' : 'default';
          return;
        }
        const x = fromPxX(f, px);
        const y = fromPxY(f, py);
        if (d.mode === 'shift') {
          onStartChange(start.slope, roundTo(d.grabIntercept + y - d.grabY, f.yMax - f.yMin));
        } else if (Math.abs(x - d.pivotX) > (f.xMax - f.xMin) * 0.01) {
          const slope = roundTo((y - d.pivotY) / (x - d.pivotX), (f.yMax - f.yMin) / (f.xMax - f.xMin));
          onStartChange(slope, roundTo(d.pivotY - slope * d.pivotX, f.yMax - f.yMin));
        }
      }}
      onPointerUp={(e) => {
        drag.current = null;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
    />
  );
}

/** Four significant digits relative to the view's span: dragging does not invent precision. */
function roundTo(v: number, span: number): number {
  const step = 10 ** (Math.floor(Math.log10(Math.abs(span) || 1)) - 3);
  return Number((Math.round(v / step) * step).toPrecision(12));
}

const START_COLOUR = 'rgba(90, 98, 110, 0.55)';

function curvesKey(c: ModelCurves): string {
  const ends = (a: Float64Array | null) => (a ? `${a[0]},${a[a.length >> 1]},${a[a.length - 1]}` : '-');
  return `${c.xs[0]},${c.xs.length}|${ends(c.exact)}|${ends(c.start)}`;
}

function frameFor(d: Dataset, width: number, height: number): PlotFrame {
  // The x range the engine samples model curves across (protocol/regression-model.ts).
  const [x0, x1] = plotXRange(d.x);
  const [y0, y1] = extent(d.y);
  const py = (y1 - y0 || 1) * 0.08;
  return makeFrame(width, height, x0, x1, y0 - py, y1 + py);
}

function extent(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function drawBackground(d: Dataset, f: PlotFrame, w: number, h: number, dpr: number): HTMLCanvasElement {
  const bg = document.createElement('canvas');
  bg.width = w;
  bg.height = h;
  const ctx = bg.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawAxes(ctx, f, d.xColumn, d.yColumn);
  const n = d.x.length;
  const stride = Math.max(1, Math.ceil(n / MAX_DRAWN_POINTS));
  // Small samples get readable dots; big ones translucent pixels so density shows.
  const r = n > 5000 ? 1 : 3;
  ctx.fillStyle = n > 5000 ? 'rgba(70, 80, 95, 0.35)' : 'rgba(70, 80, 95, 0.45)';
  ctx.beginPath();
  for (let i = 0; i < n; i += stride) {
    const x = toPxX(f, d.x[i]!);
    const y = toPxY(f, d.y[i]!);
    if (r === 1) ctx.rect(x - 0.75, y - 0.75, 1.5, 1.5);
    else {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  }
  ctx.fill();
  return bg;
}

function drawLine(ctx: CanvasRenderingContext2D, f: PlotFrame, l: Line, colour: string, width: number, dash: number[]): void {
  ctx.beginPath();
  ctx.moveTo(toPxX(f, f.xMin), toPxY(f, l.slope * f.xMin + l.intercept));
  ctx.lineTo(toPxX(f, f.xMax), toPxY(f, l.slope * f.xMax + l.intercept));
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** A sampled curve; NaN points (where f is undefined) break it. */
function drawCurve(ctx: CanvasRenderingContext2D, f: PlotFrame, xs: Float64Array, ys: Float64Array, colour: string, width: number, dash: number[]): void {
  ctx.beginPath();
  let pen = false;
  // Far outside the plot the canvas would be asked for huge coordinates: clamp to a margin.
  const span = f.yMax - f.yMin;
  for (let i = 0; i < xs.length && i < ys.length; i++) {
    const y = ys[i]!;
    if (!Number.isFinite(y)) {
      pen = false;
      continue;
    }
    const py = toPxY(f, Math.max(f.yMin - 10 * span, Math.min(f.yMax + 10 * span, y)));
    if (pen) ctx.lineTo(toPxX(f, xs[i]!), py);
    else ctx.moveTo(toPxX(f, xs[i]!), py);
    pen = true;
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

function handlePoints(f: PlotFrame, l: Line) {
  const pivotX = (f.xMin + f.xMax) / 2;
  const rotateX = f.xMin + 0.9 * (f.xMax - f.xMin);
  return {
    pivot: { px: toPxX(f, pivotX), py: toPxY(f, l.slope * pivotX + l.intercept) },
    rotate: { px: toPxX(f, rotateX), py: toPxY(f, l.slope * rotateX + l.intercept) },
  };
}

function drawHandles(ctx: CanvasRenderingContext2D, f: PlotFrame, l: Line): void {
  const h = handlePoints(f, l);
  ctx.fillStyle = '#ffffff';
  ctx.strokeStyle = '#5a626e';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(h.pivot.px, h.pivot.py, 5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.beginPath();
  ctx.rect(h.rotate.px - 5, h.rotate.py - 5, 10, 10);
  ctx.fill();
  ctx.stroke();
}
