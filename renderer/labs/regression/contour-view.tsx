import { useRef } from 'react';
import { contourRamp, drawContourBands, drawLabelledMinimum, drawLanePath } from '../../run/contour-layer';
import type { LeastSquares, RegressionStats } from '../../../main/protocol/messages';
import { fitCanvas } from '../../fit-canvas';
import { useAnimationFrame } from '../../use-animation-frame';
import { baseWindow, growWindow, type ParamWindow } from './contour-window';
import { mseFunction } from './least-squares';
import { lineScaling, momentsFromStats, type LineScaling } from '../../../main/protocol/least-squares';
import { blitCachedLayer, type CachedLayer, clipToFrame, drawAxes, makeFrame, type PlotFrame, pointerInFrame, toPxX, toPxY } from '../../run/plot-frame';
import { usePointerDrag } from '../../run/use-pointer-drag';
import type { RunStore } from './run-store';

interface ContourViewProps {
  store: RunStore;
  /** Stats and answer to draw before a run starts (runStarted's win once it does). */
  previewStats: RegressionStats | null;
  previewExact: LeastSquares | null;
  /** The settings' starting point, shown until a run reports its own iteration 0. */
  start: { slope: number; intercept: number };
  /** Draw the loss over the standardised data's (slope, intercept): the round bowl normalising gives. */
  normalize: boolean;
  /** A click or drag on the map moves every lane's start there. */
  onStartChange: (slope: number, intercept: number) => void;
}

/** Window scales of standardised data: spread 1 in x and in y. */
const UNIT_STATS: RegressionStats = { n: 1, sx: 0, sy: 0, sxx: 1, sxy: 0, syy: 1 };

export const CONTOUR_HELP = 'Click or drag on the map to move the start of every lane';

const LEVELS = 16;
/** Each iso-line's excess over the minimum is this fraction of the one above: log spacing. */
const LEVEL_RATIO = 0.5;
/** Least time between redraws while a run is streaming (about 30 a second). */
const RUNNING_REDRAW_MS = 30;


/** MSE over (slope, intercept) as filled iso-bands, every lane's path on top, the minimum marked. */
export function ContourView({ store, previewStats, previewExact, start, normalize, onStartChange }: ContourViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const background = useRef<CachedLayer | null>(null);
  // `seen` counts, per lane, the history entries already checked against the window.
  const win = useRef<{ key: string; base: ParamWindow; current: ParamWindow; seen: Map<string, number> } | null>(null);
  const drawn = useRef('');
  const lastDraw = useRef(0);
  const view = useRef<{ frame: PlotFrame; scaling: LineScaling } | null>(null);

  useAnimationFrame(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const size = fitCanvas(canvas, ctx);
    const stats = store.stats ?? previewStats;
    const exact = store.exact ?? previewExact;
    const drawKey = `${store.version}|${start.slope}|${start.intercept}|${canvas.width}x${canvas.height}|${stats?.sxy}|${stats?.n}|${normalize}`;
    if (drawKey === drawn.current && !size.resized) return;
    // While frames stream in, 30 redraws a second look the same as 60 and cost half.
    const now = performance.now();
    if (store.phase === 'running' && !size.resized && now - lastDraw.current < RUNNING_REDRAW_MS) return;
    lastDraw.current = now;
    drawn.current = drawKey;
    ctx.clearRect(0, 0, size.width, size.height);
    if (!stats || !exact) return;
    const scaling = lineScaling(momentsFromStats(stats), normalize);
    const map = (slope: number, intercept: number) => scaling.toInternal(slope, intercept);

    // The window restarts with each run, new data or a moved start, and only grows within one.
    const origins: [number, number][] = store.lanes
      .filter((l) => l.history.length > 0)
      .map((l) => map(l.history.firstSlope, l.history.firstIntercept));
    if (origins.length === 0) origins.push(map(start.slope, start.intercept));
    const winKey = `${store.runId}|${stats.sxy}|${stats.n}|${origins[0]![0]}|${origins[0]![1]}|${normalize}`;
    if (win.current?.key !== winKey) {
      const base = baseWindow([...origins, map(exact.slope, exact.intercept)], normalize ? UNIT_STATS : stats);
      win.current = { key: winKey, base, current: base, seen: new Map() };
    }
    // Every new point, not just the latest: one frame can carry many iterations. Only points
    // no worse than twice the starting loss count: a lane climbing out of the bowl is
    // diverging, and following it would shrink the valley to a line.
    for (const l of store.lanes) {
      const h = l.history;
      const seen = win.current.seen.get(l.id) ?? 0;
      const worst = 2 * h.firstLoss;
      let w = win.current.current;
      for (let k = Math.min(seen, h.length); k < h.length; k++) {
        if (h.loss[k]! <= worst) w = growWindow(w, win.current.base, ...map(h.slope[k]!, h.intercept[k]!));
      }
      if (h.lastLoss <= worst) w = growWindow(w, win.current.base, ...map(h.lastSlope, h.lastIntercept));
      win.current.current = w;
      win.current.seen.set(l.id, h.length);
    }
    const w = normalize ? equalScale(win.current.current, size.width, size.height) : win.current.current;
    const f = makeFrame(size.width, size.height, w.aMin, w.aMax, w.bMin, w.bMax);
    view.current = { frame: f, scaling };

    const bgKey = `${winKey}|${w.aMin}|${w.aMax}|${w.bMin}|${w.bMax}|${canvas.width}x${canvas.height}`;
    blitCachedLayer(ctx, background, bgKey, () => drawBackground(f, stats, exact, scaling, normalize, canvas.width, canvas.height, size.dpr));

    ctx.save();
    clipToFrame(ctx, f);
    if (store.lanes.length === 0) drawStart(ctx, f, ...map(start.slope, start.intercept));
    // Scrubbing the timeline draws each path up to the iteration shown.
    const shown = store.shownIteration;
    for (const lane of store.lanes) {
      const h = lane.history;
      if (h.length === 0) continue;
      drawStart(ctx, f, ...map(h.firstSlope, h.firstIntercept));
      drawLanePath(ctx, f, h, 'slope', 'intercept', shown, lane.colour, map);
    }
    ctx.restore();
  });

  const drag = usePointerDrag<HTMLCanvasElement>((e) => {
    const v = view.current;
    const p = v && pointerInFrame(v.frame, e);
    if (!p) return;
    const [slope, intercept] = v.scaling.toOriginal(p.x, p.y);
    // Rounded to four significant digits: a clicked start reads as one typed.
    onStartChange(Number(slope.toPrecision(4)), Number(intercept.toPrecision(4)));
  });

  return (
    <canvas
      ref={canvasRef}
      className="view-canvas crosshair"
      data-testid="contour"
      title={CONTOUR_HELP}
      role="img"
      aria-label="Contour map of the loss over slope and intercept, with every lane's path and the exact minimum; the figures are in the readouts"
      {...drag}
    />
  );
}

/**
 * The window widened along one axis so that a unit of slope and of intercept take the same
 * pixels: standardised data's bowl is round, and should look it.
 */
function equalScale(w: ParamWindow, cssWidth: number, cssHeight: number): ParamWindow {
  const f = makeFrame(cssWidth, cssHeight, w.aMin, w.aMax, w.bMin, w.bMax);
  const perPxA = (w.aMax - w.aMin) / f.width;
  const perPxB = (w.bMax - w.bMin) / f.height;
  if (perPxA > perPxB) {
    const half = (perPxA * f.height) / 2;
    const c = (w.bMin + w.bMax) / 2;
    return { ...w, bMin: c - half, bMax: c + half };
  }
  const half = (perPxB * f.width) / 2;
  const c = (w.aMin + w.aMax) / 2;
  return { ...w, aMin: c - half, aMax: c + half };
}

/** The iso-lines of a loss map: each one's excess over the minimum (`floor`) half the one above's. */
export function lossThresholds(floor: number, vMax: number): number[] {
  const thresholds: number[] = [];
  for (let k = LEVELS; k >= 1; k--) thresholds.push(floor + (vMax - floor) * LEVEL_RATIO ** k);
  return thresholds;
}

/** A lane's start on a loss map: a grey ring. */
export function drawStart(ctx: CanvasRenderingContext2D, f: PlotFrame, a: number, b: number): void {
  ctx.beginPath();
  ctx.arc(toPxX(f, a), toPxY(f, b), 6, 0, 2 * Math.PI);
  ctx.strokeStyle = '#5a626e';
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

function drawBackground(
  f: PlotFrame,
  stats: RegressionStats,
  exact: LeastSquares,
  scaling: LineScaling,
  normalize: boolean,
  w: number,
  h: number,
  dpr: number,
): HTMLCanvasElement {
  const bg = document.createElement('canvas');
  bg.width = w;
  bg.height = h;
  const ctx = bg.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);

  // Sample MSE at cell centres; row 0 is the top (largest intercept), as on screen.
  const nx = Math.max(20, Math.min(240, Math.floor(f.width / 2)));
  const ny = Math.max(20, Math.min(200, Math.floor(f.height / 2)));
  const mse = mseFunction(stats);
  const values = new Float64Array(nx * ny);
  let vMax = -Infinity;
  let vMin = Infinity;
  for (let j = 0; j < ny; j++) {
    const b = f.yMax - ((j + 0.5) / ny) * (f.yMax - f.yMin);
    for (let i = 0; i < nx; i++) {
      const v = mse(...scaling.toOriginal(f.xMin + ((i + 0.5) / nx) * (f.xMax - f.xMin), b));
      values[j * nx + i] = v;
      if (v > vMax) vMax = v;
      if (v < vMin) vMin = v;
    }
  }
  const thresholds = lossThresholds(Math.min(vMin, exact.mse), vMax);
  const gx = (x: number) => f.left + (x / nx) * f.width;
  const gy = (y: number) => f.top + (y / ny) * f.height;
  ctx.save();
  clipToFrame(ctx, f);
  ctx.fillStyle = contourRamp(0);
  ctx.fillRect(f.left, f.top, f.width, f.height);
  drawContourBands(ctx, values, nx, ny, thresholds, (x, y) => [gx(x), gy(y)]);
  // The exact minimum: a cross with a ring, visible over any band colour.
  const [ea, eb] = scaling.toInternal(exact.slope, exact.intercept);
  drawLabelledMinimum(ctx, f, toPxX(f, ea), toPxY(f, eb));
  ctx.restore();
  drawAxes(ctx, f, normalize ? 'slope (standardised data)' : 'slope', normalize ? 'intercept (standardised data)' : 'intercept', false);
  return bg;
}
