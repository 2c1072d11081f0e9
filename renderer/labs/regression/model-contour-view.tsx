/**
 * A two-parameter model's loss map (`a*exp(b*x)`): MSE over (first, second) parameter as filled
 * iso-bands, every lane's path on top, the start ringed and, when the model is linear, the exact
 * minimum marked. The page evaluates no formula: the grid is the engine's, asked again whenever
 * the window grows to follow the lanes (one request at a time; the last grid drawn meanwhile).
 * A click or drag moves every lane's start there.
 */
import { useRef } from 'react';
import type { ModelGrid, ModelIntro } from '../../../main/protocol/regression-model';
import { contourRamp, drawContourBands, drawLabelledMinimum, drawLanePath, gridToPx } from '../../run/contour-layer';
import { blitCachedLayer, type CachedLayer, clipToFrame, drawAxes, makeFrame, type PlotFrame, pointerInFrame, toPxX, toPxY } from '../../run/plot-frame';
import { usePointerDrag } from '../../run/use-pointer-drag';
import { fitCanvas } from '../../fit-canvas';
import { useAnimationFrame } from '../../use-animation-frame';
import { drawStart, lossThresholds } from './contour-view';
import { growWindow, windowAround, type ParamWindow } from './contour-window';
import { parameterKey, type RunStore } from './run-store';

interface ModelContourViewProps {
  store: RunStore;
  /** The settings' model and start (shown until a run of a model is). */
  preview: (ModelIntro & { start: number[] }) | null;
  /** The engine's loss over a window of the model shown; rejects if the model is refused. */
  requestGrid: (model: string, window: ParamWindow) => Promise<ModelGrid>;
  onStartChange: (first: number, second: number) => void;
}

const RUNNING_REDRAW_MS = 30;

export function ModelContourView({ store, preview, requestGrid, onStartChange }: ModelContourViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const background = useRef<CachedLayer | null>(null);
  const win = useRef<{ key: string; base: ParamWindow; current: ParamWindow; seen: Map<string, number> } | null>(null);
  const grid = useRef<{ model: string; grid: ModelGrid } | null>(null);
  const asking = useRef<string | null>(null);
  const drawn = useRef('');
  const lastDraw = useRef(0);
  const view = useRef<PlotFrame | null>(null);
  const gridVersion = useRef(0);

  useAnimationFrame(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const size = fitCanvas(canvas, ctx);
    const running = store.lanes.length > 0 && store.model !== null;
    const model = running ? store.model : preview;
    const startKey = preview ? preview.start.join(',') : '';
    const drawKey = `${store.version}|${canvas.width}x${canvas.height}|${model?.model}|${startKey}|${gridVersion.current}`;
    if (drawKey === drawn.current && !size.resized) return;
    const now = performance.now();
    if (store.phase === 'running' && !size.resized && now - lastDraw.current < RUNNING_REDRAW_MS) return;
    lastDraw.current = now;
    drawn.current = drawKey;
    ctx.clearRect(0, 0, size.width, size.height);
    if (!model || model.parameters.length !== 2) return;
    const [k0, k1] = model.parameters.map(parameterKey) as [string, string];

    // The start, the exact answer and every lane's points, as on the line's map.
    const starts: [number, number][] = running
      ? store.lanes.filter((l) => l.model && l.model.length > 0).map((l) => [l.model!.first[k0]!, l.model!.first[k1]!])
      : preview
        ? [[preview.start[0]!, preview.start[1]!]]
        : [];
    const exact: [number, number] | null = model.exact ? [model.exact.values[0]!, model.exact.values[1]!] : null;
    const anchors = exact ? [...starts, exact] : starts;
    const winKey = `${store.runId}|${model.model}|${anchors.map((p) => p.join(',')).join(';')}`;
    if (win.current?.key !== winKey) {
      const span = (k: 0 | 1) => Math.max(1e-3, 0.5 * Math.max(...anchors.map((p) => Math.abs(p[k]))));
      const base = windowAround(anchors, span(0), span(1));
      win.current = { key: winKey, base, current: base, seen: new Map() };
    }
    for (const l of store.lanes) {
      const h = l.model;
      if (!h || !running) continue;
      const seen = win.current.seen.get(l.id) ?? 0;
      const worst = 2 * h.first.loss!;
      let w = win.current.current;
      for (let k = Math.min(seen, h.length); k < h.length; k++) {
        if (h.values.loss![k]! <= worst) w = growWindow(w, win.current.base, h.values[k0]![k]!, h.values[k1]![k]!);
      }
      if (h.last.loss! <= worst) w = growWindow(w, win.current.base, h.last[k0]!, h.last[k1]!);
      win.current.current = w;
      win.current.seen.set(l.id, h.length);
    }
    const w = win.current.current;
    const f = makeFrame(size.width, size.height, w.aMin, w.aMax, w.bMin, w.bMax);
    view.current = f;

    // The engine's grid for this window: asked once, one request at a time.
    const want = `${model.model}|${w.aMin}|${w.aMax}|${w.bMin}|${w.bMax}`;
    const have = grid.current ? `${grid.current.model}|${gridWindowKey(grid.current.grid)}` : '';
    if (want !== have && asking.current === null) {
      asking.current = want;
      requestGrid(model.model, w).then(
        (g) => {
          asking.current = null;
          grid.current = { model: model.model, grid: g };
          gridVersion.current++;
        },
        () => {
          asking.current = null;
        },
      );
    }
    const g = grid.current?.model === model.model ? grid.current.grid : null;
    // Says (to tests and tools) which grid is drawn: its resolution, or empty while none is.
    canvas.dataset.grid = g ? String(g.resolution) : '';
    const bgKey = `${g ? gridWindowKey(g) : 'none'}|${w.aMin}|${w.aMax}|${w.bMin}|${w.bMax}|${canvas.width}x${canvas.height}|${gridVersion.current}`;
    blitCachedLayer(ctx, background, bgKey, () => drawBackground(f, g, exact, model.parameters, canvas.width, canvas.height, size.dpr));

    ctx.save();
    clipToFrame(ctx, f);
    if (!running) for (const s of starts) drawStart(ctx, f, s[0], s[1]);
    const shown = store.shownIteration;
    for (const lane of store.lanes) {
      const h = lane.model;
      if (!h || h.length === 0 || !running) continue;
      drawStart(ctx, f, h.first[k0]!, h.first[k1]!);
      drawLanePath(ctx, f, h, k0, k1, shown, lane.colour);
    }
    ctx.restore();
  });

  const drag = usePointerDrag<HTMLCanvasElement>((e) => {
    const p = view.current && pointerInFrame(view.current, e);
    if (p) onStartChange(Number(p.x.toPrecision(4)), Number(p.y.toPrecision(4)));
  });

  return (
    <canvas
      ref={canvasRef}
      className="view-canvas crosshair"
      data-testid="model-contour"
      title="Click or drag on the map to move the start of every lane"
      role="img"
      aria-label="Contour map of the loss over the model's two parameters, with every lane's path and, for a linear model, the exact minimum; the figures are in the readouts"
      {...drag}
    />
  );
}

function gridWindowKey(g: ModelGrid): string {
  return `${g.window.xMin}|${g.window.xMax}|${g.window.yMin}|${g.window.yMax}`;
}

function drawBackground(f: PlotFrame, g: ModelGrid | null, exact: [number, number] | null, parameters: string[], w: number, h: number, dpr: number): HTMLCanvasElement {
  const bg = document.createElement('canvas');
  bg.width = w;
  bg.height = h;
  const ctx = bg.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.save();
  clipToFrame(ctx, f);
  ctx.fillStyle = contourRamp(0);
  ctx.fillRect(f.left, f.top, f.width, f.height);
  if (g) {
    let vMin = Infinity;
    let vMax = -Infinity;
    for (const v of g.values) {
      if (!Number.isFinite(v)) continue;
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
    }
    if (vMax > vMin) {
      // Where the loss is undefined or overflows, the map reads as its highest band.
      const values = Array.from(g.values, (v) => (Number.isFinite(v) ? v : vMax));
      drawContourBands(ctx, values, g.resolution, g.resolution, lossThresholds(vMin, vMax), gridToPx(f, g.window, g.resolution));
    }
  }
  if (exact) {
    drawLabelledMinimum(ctx, f, toPxX(f, exact[0]), toPxY(f, exact[1]));
  }
  ctx.restore();
  drawAxes(ctx, f, parameters[0]!, parameters[1]!, false);
  return bg;
}
