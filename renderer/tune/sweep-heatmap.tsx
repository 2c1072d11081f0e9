/**
 * A sweep's heatmap: one square per cell (axis 1 across, axis 2 up), coloured by its loss on a
 * log scale when every finite loss is positive (linear otherwise), diverged cells in dark grey
 * with a cross, the best cell ringed; a colour legend under it; hovering a cell says its
 * settings and figures, clicking one hands it on (the lab adds it as a lane and runs it).
 */
import { useEffect, useRef, useState } from 'react';
import { bestCell } from '../../main/protocol/sweep';
import { formatNumber } from '../format-number';

export interface HeatmapData {
  axes: { name: string; log: boolean; values: number[] }[];
  /** Row-major [axis 1 values × axis 2 values]; NaN: diverged (or not yet known). */
  loss: Float64Array;
  /** Row-major like loss: iterations to the tolerance (−1: never), when asked for. */
  itersToTolerance?: Int32Array;
  /** The tolerance, when the heatmap is coloured by the iterations each cell took to reach it. */
  tolerance?: number;
}

/** What the colours show: the iterations to the tolerance when there is one (never: NaN), else the loss. */
export function shownValues(data: HeatmapData): Float64Array {
  if (data.tolerance === undefined || !data.itersToTolerance) return data.loss;
  return Float64Array.from(data.itersToTolerance, (v) => (v < 0 ? NaN : v));
}

/** viridis at 9 stops (matplotlib's): dark is low, which is good. */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `rgb(${pa.map((v, i) => Math.round(v + (pb[i]! - v) * t)).join(',')})`;
}

export function colourAt(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i]!, VIRIDIS[i + 1]!, x - i);
}

/**
 * The colour scale over the finite losses: log10 when none is negative (a loss of exactly 0, a
 * minimum reached in float32, takes the bottom colour with the smallest positive one), linear
 * otherwise.
 */
export function lossScale(loss: ArrayLike<number>): { lo: number; hi: number; log: boolean; t: (v: number) => number } | null {
  const finite = Array.from(loss).filter(Number.isFinite);
  if (finite.length === 0) return null;
  const positive = finite.filter((v) => v > 0);
  const log = positive.length > 0 && finite.every((v) => v >= 0);
  const lo = log ? Math.min(...positive) : Math.min(...finite);
  const hi = Math.max(...finite);
  const f = (v: number) => (log ? Math.log10(Math.max(v, lo)) : v);
  const span = f(hi) - f(lo);
  return { lo: Math.min(...finite), hi, log, t: (v) => (span > 0 ? (f(v) - f(lo)) / span : 0.5) };
}

/** A linear scale over the finite values (iterations to a tolerance). */
function linearScale(values: ArrayLike<number>): ReturnType<typeof lossScale> {
  const finite = Array.from(values).filter(Number.isFinite);
  if (finite.length === 0) return null;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return { lo, hi, log: false, t: (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5) };
}

const SIZE = 276;

export function cellLabel(data: HeatmapData, index: number): string {
  const columns = data.axes[1]?.values.length ?? 1;
  const i = Math.floor(index / columns);
  const j = index % columns;
  const parts = [`${data.axes[0]!.name} ${formatNumber(data.axes[0]!.values[i]!)}`];
  if (data.axes[1]) parts.push(`${data.axes[1].name} ${formatNumber(data.axes[1].values[j]!)}`);
  const v = data.loss[index]!;
  const to = data.itersToTolerance?.[index];
  return `${parts.join(', ')}: loss ${Number.isFinite(v) ? formatNumber(v) : 'diverged'}${to === undefined ? '' : to < 0 ? ', never reached the tolerance' : `, tolerance at iteration ${to}`}`;
}

interface SweepHeatmapProps {
  data: HeatmapData;
  onCell?: (index: number) => void;
  testId?: string;
}

export function SweepHeatmap({ data, onCell, testId = 'sweep-heatmap' }: SweepHeatmapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const cols = data.axes[0]!.values.length;
  const rows = data.axes[1]?.values.length ?? 1;
  const cell = Math.floor(SIZE / Math.max(cols, rows === 1 ? 1 : rows));
  const width = cell * cols;
  const height = rows === 1 ? Math.max(cell, 24) : cell * rows;
  const byIterations = data.tolerance !== undefined && data.itersToTolerance !== undefined;
  const values = shownValues(data);
  const best = bestCell(values);
  const scale = byIterations ? linearScale(values) : lossScale(values);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = width * dpr;
    c.height = height * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const h = rows === 1 ? height : cell;
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < rows; j++) {
        const v = values[i * rows + j]!;
        const x = i * cell;
        const y = rows === 1 ? 0 : (rows - 1 - j) * cell; // axis 2 upwards
        ctx.fillStyle = Number.isFinite(v) && scale ? colourAt(scale.t(v)) : '#3a3a3a';
        ctx.fillRect(x, y, cell, h);
        if (!Number.isFinite(v)) {
          ctx.strokeStyle = '#777';
          ctx.beginPath();
          ctx.moveTo(x + 2, y + 2);
          ctx.lineTo(x + cell - 2, y + h - 2);
          ctx.moveTo(x + cell - 2, y + 2);
          ctx.lineTo(x + 2, y + h - 2);
          ctx.stroke();
        }
      }
    }
    const ring = (index: number, colour: string, lineWidth: number) => {
      const i = Math.floor(index / rows);
      const j = index % rows;
      ctx.strokeStyle = colour;
      ctx.lineWidth = lineWidth;
      ctx.strokeRect(i * cell + 1, rows === 1 ? 1 : (rows - 1 - j) * cell + 1, cell - 2, h - 2);
      ctx.lineWidth = 1;
    };
    if (best !== undefined) {
      ring(best, '#ffffff', 3);
      ring(best, '#d33a2c', 1.5);
    }
    if (hover !== null) ring(hover, '#ffffff', 1);
  }, [data, hover, best, scale, cell, cols, rows, width, height]);

  const indexAt = (e: React.MouseEvent<HTMLCanvasElement>): number | null => {
    const r = e.currentTarget.getBoundingClientRect();
    const i = Math.floor(((e.clientX - r.left) / r.width) * cols);
    const jFromTop = Math.floor(((e.clientY - r.top) / r.height) * rows);
    const j = rows - 1 - jFromTop;
    if (i < 0 || i >= cols || j < 0 || j >= rows) return null;
    return i * rows + j;
  };

  const legendStops = VIRIDIS.map((c, k) => `${c} ${(k / (VIRIDIS.length - 1)) * 100}%`).join(', ');
  const a1 = data.axes[0]!;
  const a2 = data.axes[1];
  return (
    <div className="sweep-heatmap" data-testid={testId}>
      <div className="sweep-heatmap-plot">
        {a2 && (
          <span className="sweep-axis-y muted" title={`${a2.name} from ${a2.values[0]} (bottom) to ${a2.values.at(-1)} (top)${a2.log ? ', log scale' : ''}`}>
            {a2.name} {formatNumber(a2.values[0]!)} → {formatNumber(a2.values.at(-1)!)}
          </span>
        )}
        <canvas
          ref={canvas}
          style={{ width, height }}
          role="img"
          aria-label={`Heatmap of ${byIterations ? `the iterations to reach a loss of ${data.tolerance}` : 'the final loss'} over ${a1.name}${a2 ? ` and ${a2.name}` : ''}; the best cell is ringed in red. ${best !== undefined ? `Best: ${cellLabel(data, best)}` : 'Every cell diverged.'}`}
          data-testid={`${testId}-canvas`}
          data-cols={cols}
          data-rows={rows}
          data-best={best ?? ''}
          data-best-loss={best !== undefined ? data.loss[best] : ''}
          data-best-iterations={best !== undefined && byIterations ? values[best] : ''}
          onMouseMove={(e) => setHover(indexAt(e))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const index = indexAt(e);
            if (index !== null && onCell) onCell(index);
          }}
        />
      </div>
      <div className="muted sweep-axis-x" title={`${a1.name} from ${a1.values[0]} (left) to ${a1.values.at(-1)} (right)${a1.log ? ', log scale' : ''}`}>
        {a1.name} {formatNumber(a1.values[0]!)} → {formatNumber(a1.values.at(-1)!)}
        {a1.log ? ' (log)' : ''}
      </div>
      <div className="sweep-legend" data-testid={`${testId}-legend`}>
        <span>{scale ? formatNumber(scale.lo) : '—'}</span>
        <span className="sweep-legend-bar" style={{ background: `linear-gradient(to right, ${legendStops})` }} title={byIterations ? `iterations to a loss of ${data.tolerance}` : scale?.log ? 'loss, log scale' : 'loss, linear scale'} />
        <span>{scale ? formatNumber(scale.hi) : '—'}</span>
        <span className="muted">{byIterations ? 'iterations' : scale?.log ? 'log' : 'linear'}</span>
        <span className="sweep-legend-diverged" title={byIterations ? 'never reached the tolerance' : 'diverged'}>
          ✕ {byIterations ? 'never' : 'diverged'}
        </span>
      </div>
      <p className="sweep-hover small-note" data-testid={`${testId}-hover`}>
        {hover !== null ? cellLabel(data, hover) : best !== undefined ? `best: ${cellLabel(data, best)}` : 'hover a cell for its figures'}
      </p>
    </div>
  );
}
