/**
 * f(x, y) as a contour map: filled bands at log-spaced levels (height-scale.ts), the known
 * minima, an optional field of −∇f arrows, every lane's path with its optimizer's internals at
 * its point, and the start. Click or drag sets the start of every lane; hovering asks the
 * engine for f and ∇f there.
 */
import { useRef, useState } from 'react';
import type { SurfaceGridReply, SurfaceProbeReply } from '../../../main/protocol/messages';
import type { SurfacePoint, SurfaceWindow } from '../../../main/protocol/surface';
import { fitCanvas } from '../../fit-canvas';
import { formatNumber } from '../../format-number';
import { contourRamp, drawContourBands, drawLanePath, drawMinimumMarker, gridToPx } from '../../run/contour-layer';
import { blitCachedLayer, type CachedLayer, clipToFrame, drawAxes, makeFrame, type PlotFrame, pointerInFrame, toPxX, toPxY } from '../../run/plot-frame';
import { useAnimationFrame } from '../../use-animation-frame';
import { heightScale } from './height-scale';
import { internalsKind, lastStep, magnification } from './lane-internals';
import type { SurfaceStore } from './surface-store';

interface ContourMapProps {
  store: SurfaceStore;
  grid: SurfaceGridReply | null;
  window: SurfaceWindow;
  /** The settings' start, drawn until a run reports its own. */
  start: SurfacePoint;
  showField: boolean;
  showInternals: boolean;
  onStart: (p: SurfacePoint) => void;
  probe: (p: SurfacePoint) => Promise<SurfaceProbeReply>;
}

const LEVELS = 20;
const FIELD_ARROWS = 18;
const RUNNING_REDRAW_MS = 30;

export const CONTOUR_HELP = 'Click or drag to set the start of every lane; hover to read f and ∇f';

export function ContourMap({ store, grid, window: win, start, showField, showInternals, onStart, probe }: ContourMapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const background = useRef<CachedLayer | null>(null);
  const frame = useRef<PlotFrame | null>(null);
  const drawn = useRef('');
  const lastDraw = useRef(0);
  const dragging = useRef(false);
  const probing = useRef<{ busy: boolean; next: SurfacePoint | null }>({ busy: false, next: null });
  const [hover, setHover] = useState<SurfaceProbeReply | null>(null);
  const [scaleNote, setScaleNote] = useState('');

  useAnimationFrame(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.offsetParent === null) return;
    const size = fitCanvas(canvas, ctx);
    const key = `${store.version}|${grid?.formula}|${JSON.stringify(win)}|${start.x},${start.y}|${showField}|${showInternals}|${canvas.width}x${canvas.height}`;
    if (key === drawn.current && !size.resized) return;
    const now = performance.now();
    if (store.phase === 'running' && !size.resized && now - lastDraw.current < RUNNING_REDRAW_MS) return;
    lastDraw.current = now;
    drawn.current = key;
    const f = makeFrame(size.width, size.height, win.xMin, win.xMax, win.yMin, win.yMax);
    frame.current = f;
    ctx.clearRect(0, 0, size.width, size.height);
    const bgKey = `${grid?.formula}|${JSON.stringify(grid?.window)}|${JSON.stringify(win)}|${showField}|${canvas.width}x${canvas.height}`;
    blitCachedLayer(ctx, background, bgKey, () => drawBackground(f, grid, showField, canvas.width, canvas.height, size.dpr));

    ctx.save();
    clipToFrame(ctx, f);
    const first = store.lanes.find((l) => l.history.length > 0);
    const s = first ? { x: first.history.first.x, y: first.history.first.y } : start;
    drawStart(ctx, f, s.x, s.y);
    if (first && (start.x !== s.x || start.y !== s.y)) drawStart(ctx, f, start.x, start.y, true);
    const shown = store.shownIteration;
    const ends: { px: [number, number]; step: [number, number]; kind: ReturnType<typeof internalsKind>; colour: string }[] = [];
    for (const lane of store.lanes) {
      const end = drawLanePath(ctx, f, lane.history, 'x', 'y', shown, lane.colour);
      const kind = internalsKind(lane.optimizer);
      if (end && kind) ends.push({ px: end, step: lastStep(lane.history, shown), kind, colour: lane.colour });
    }
    let note = '';
    if (showInternals && ends.length) {
      const pxPerX = f.width / (f.xMax - f.xMin);
      const pxPerY = f.height / (f.yMax - f.yMin);
      const largest = Math.max(...ends.map((e) => Math.hypot(e.step[0] * pxPerX, e.step[1] * pxPerY)));
      const k = magnification(largest);
      for (const e of ends) drawInternals(ctx, e.px, e.step[0] * pxPerX * k, -e.step[1] * pxPerY * k, e.kind, e.colour);
      if (largest > 0) note = `velocity arrows and step boxes × ${formatNumber(k)}`;
    }
    ctx.restore();
    if (note !== scaleNote) setScaleNote(note);
  });

  const pointAt = (e: React.PointerEvent<HTMLCanvasElement>): SurfacePoint | null => {
    const f = frame.current;
    if (!f) return null;
    const p = pointerInFrame(f, e);
    if (!p) return null;
    // Rounded to what the readouts show, so a clicked start reads as typed.
    const round = (v: number, span: number) => Number(v.toFixed(Math.max(0, 3 - Math.floor(Math.log10(span)))));
    return { x: round(p.x, f.xMax - f.xMin), y: round(p.y, f.yMax - f.yMin) };
  };

  const ask = (p: SurfacePoint) => {
    const q = probing.current;
    if (q.busy) {
      q.next = p;
      return;
    }
    q.busy = true;
    probe(p)
      .then(setHover, () => setHover(null))
      .finally(() => {
        q.busy = false;
        const next = q.next;
        q.next = null;
        if (next) ask(next);
      });
  };

  return (
    <div className="surface-map">
      <canvas
        ref={canvasRef}
        className="view-canvas crosshair"
        data-testid="surface-contour"
        role="img"
        aria-label={`Contour map of f over x from ${win.xMin} to ${win.xMax} and y from ${win.yMin} to ${win.yMax}`}
        onPointerDown={(e) => {
          const p = pointAt(e);
          if (!p || e.button !== 0) return;
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          onStart(p);
        }}
        onPointerMove={(e) => {
          const p = pointAt(e);
          if (!p) return;
          if (dragging.current) onStart(p);
          ask(p);
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onPointerLeave={() => setHover(null)}
      />
      <div className="surface-map-notes">
        {hover ? (
          <span data-testid="surface-probe">
            f({formatNumber(hover.x)}, {formatNumber(hover.y)}) = {formatNumber(hover.f)} · ∇f = ({formatNumber(hover.gradient[0])}, {formatNumber(hover.gradient[1])})
          </span>
        ) : (
          <span className="muted">{CONTOUR_HELP}</span>
        )}
        {scaleNote && <span className="muted"> · {scaleNote}</span>}
      </div>
    </div>
  );
}

function drawStart(ctx: CanvasRenderingContext2D, f: PlotFrame, x: number, y: number, next = false): void {
  ctx.beginPath();
  ctx.arc(toPxX(f, x), toPxY(f, y), 6, 0, 2 * Math.PI);
  ctx.strokeStyle = next ? '#b3261e' : '#5a626e';
  ctx.setLineDash(next ? [3, 3] : []);
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.setLineDash([]);
}

function drawInternals(ctx: CanvasRenderingContext2D, [x, y]: [number, number], dx: number, dy: number, kind: 'velocity' | 'step-box' | null, colour: string): void {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 2;
  if (kind === 'velocity') {
    const len = Math.hypot(dx, dy);
    if (len < 1) return ctx.restore();
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + dx, y + dy);
    ctx.stroke();
    const a = Math.atan2(dy, dx);
    ctx.beginPath();
    ctx.moveTo(x + dx, y + dy);
    ctx.lineTo(x + dx - 8 * Math.cos(a - 0.45), y + dy - 8 * Math.sin(a - 0.45));
    ctx.lineTo(x + dx - 8 * Math.cos(a + 0.45), y + dy - 8 * Math.sin(a + 0.45));
    ctx.closePath();
    ctx.fill();
  } else if (kind === 'step-box') {
    const w = Math.abs(dx);
    const h = Math.abs(dy);
    ctx.globalAlpha = 0.18;
    ctx.fillRect(x - w, y - h, 2 * w, 2 * h);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x - w, y - h, 2 * w, 2 * h);
  }
  ctx.restore();
}

function drawBackground(f: PlotFrame, grid: SurfaceGridReply | null, showField: boolean, w: number, h: number, dpr: number): HTMLCanvasElement {
  const bg = document.createElement('canvas');
  bg.width = w;
  bg.height = h;
  const ctx = bg.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.save();
  clipToFrame(ctx, f);
  ctx.fillStyle = contourRamp(0);
  ctx.fillRect(f.left, f.top, f.width, f.height);
  if (grid) {
    const n = grid.resolution;
    const gw = grid.window;
    const scale = heightScale(grid.values);
    // Undefined points (log of a negative, …) sit above every band: they read as walls.
    const values = Array.from(grid.values, (v) => (Number.isNaN(v) ? scale.fMax : v));
    const thresholds: number[] = [];
    for (let k = 1; k < LEVELS; k++) thresholds.push(scale.level(k / LEVELS));
    drawContourBands(ctx, values, n, n, thresholds, gridToPx(f, gw, n));
    if (showField) drawField(ctx, f, grid);
    for (const m of grid.minima) drawMinimumMarker(ctx, toPxX(f, m.x), toPxY(f, m.y));
  }
  ctx.restore();
  drawAxes(ctx, f, 'x', 'y', false);
  return bg;
}

/** −∇f on a coarse lattice of the grid, by central differences of its values; length grows with |∇f| up to a cap. */
function drawField(ctx: CanvasRenderingContext2D, f: PlotFrame, grid: SurfaceGridReply): void {
  const n = grid.resolution;
  const w = grid.window;
  const hx = (w.xMax - w.xMin) / (n - 1);
  const hy = (w.yMax - w.yMin) / (n - 1);
  const v = (i: number, j: number) => grid.values[j * n + i]!;
  const arrows: { x: number; y: number; gx: number; gy: number }[] = [];
  const stride = Math.max(1, Math.floor(n / FIELD_ARROWS));
  for (let j = Math.floor(stride / 2); j < n - 1; j += stride) {
    for (let i = Math.floor(stride / 2); i < n - 1; i += stride) {
      if (i < 1 || j < 1) continue;
      const gx = (v(i + 1, j) - v(i - 1, j)) / (2 * hx);
      const gy = (v(i, j + 1) - v(i, j - 1)) / (2 * hy);
      if (Number.isFinite(gx) && Number.isFinite(gy)) arrows.push({ x: w.xMin + i * hx, y: w.yMin + j * hy, gx, gy });
    }
  }
  const mags = arrows.map((a) => Math.hypot(a.gx, a.gy)).sort((a, b) => a - b);
  const ref = mags[Math.floor(mags.length * 0.9)] ?? 1;
  const cell = Math.min(f.width, f.height) / FIELD_ARROWS;
  ctx.strokeStyle = 'rgba(31, 35, 41, 0.55)';
  ctx.fillStyle = 'rgba(31, 35, 41, 0.55)';
  ctx.lineWidth = 1;
  for (const a of arrows) {
    const m = Math.hypot(a.gx, a.gy);
    if (!(m > 0)) continue;
    const len = 0.8 * cell * Math.sqrt(Math.min(1, m / ref));
    // Screen y grows downwards: −∇f's y component flips.
    const ux = -a.gx / m;
    const uy = a.gy / m;
    const x0 = toPxX(f, a.x);
    const y0 = toPxY(f, a.y);
    const x1 = x0 + ux * len;
    const y1 = y0 + uy * len;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 4 * ux - 2.5 * uy, y1 - 4 * uy + 2.5 * ux);
    ctx.lineTo(x1 - 4 * ux + 2.5 * uy, y1 - 4 * uy - 2.5 * ux);
    ctx.closePath();
    ctx.fill();
  }
}
