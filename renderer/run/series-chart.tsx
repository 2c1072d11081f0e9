/**
 * One quantity per iteration for every lane (uPlot), from any lab's store whose lanes keep a
 * ThinnedHistory. The plot is rebuilt only when the lanes change; otherwise the frame loop
 * calls setData at most about 30 times a second while a run streams, and only when the store
 * has moved on. An optional reference value (a known optimum or the exact minimum) is drawn
 * dashed and kept inside the y range.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { formatNumber } from '../format-number';
import { formatTicks } from '../nice-ticks';
import { useAnimationFrame } from '../use-animation-frame';
import { drawCursor } from './chart-cursor';
import type { ThinnedHistory } from './thinned-history';

interface ChartLane<K extends string> {
  id: string;
  label: string;
  colour: string;
  history: ThinnedHistory<K>;
}

interface ChartStore<K extends string> {
  lanes: ChartLane<K>[];
  version: number;
  phase: string;
  cursor: number | null;
}

export interface ChartReference {
  value: number;
  label: string;
  /** The label under the line (lanes come down onto it from above, so that side stays clear). */
  below?: boolean;
}

interface SeriesChartProps<K extends string> {
  store: ChartStore<K>;
  series: K;
  yLabel: string;
  reference?: ChartReference | null;
  log?: boolean;
  /** Divide each lane's values by |its first value| (lanes on different scales). */
  scaleToStart?: boolean;
  /**
   * Stop the y axis a little above the largest start value: a diverging lane would stretch it
   * to 1e38 and flatten every other line, so it leaves through the top instead.
   */
  capAtStart?: boolean;
  /** A short strip under another chart (the learning rate): no x-axis title or grid, small type. */
  compact?: boolean;
  /** Draw the x axis's title and numbers ("iteration"); a chart with a strip under it leaves them to the strip. */
  xTitle?: boolean;
  testId: string;
}

/** Read by the y range function, which uPlot calls with only the data's extent. */
interface RangeRefs {
  reference: ChartReference | null;
  /** The largest iteration-0 value over the lanes. */
  startMax: number;
}

/** uPlot draws thousands of points cheaply, but a million-iteration run is sampled to this many. */
const MAX_POINTS = 2000;
const RUNNING_REDRAW_MS = 30;
const LABEL_MS = 500;

export function SeriesChart<K extends string>({ store, series, yLabel, reference = null, log = false, scaleToStart = false, capAtStart = false, compact = false, xTitle = true, testId }: SeriesChartProps<K>) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plot = useRef<{ key: string; u: uPlot } | null>(null);
  const drawnVersion = useRef(-1);
  const lastDraw = useRef(0);
  const lastLabel = useRef(-Infinity);
  const refs = useRef<RangeRefs>({ reference, startMax: NaN });
  refs.current.reference = reference;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const resize = new ResizeObserver(() => plot.current?.u.setSize(sizeOf(host, compact)));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.current?.u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    drawnVersion.current = -1;
  }, [reference?.value]);

  useAnimationFrame(() => {
    const host = hostRef.current;
    if (!host || host.offsetParent === null) return;
    const key = `${log}|${scaleToStart}|${capAtStart}|${compact}|${xTitle}|${yLabel}|${store.lanes.map((l) => `${l.id}:${l.colour}:${l.label}`).join(',')}`;
    if (plot.current?.key !== key) {
      plot.current?.u.destroy();
      const u = new uPlot(options(store, yLabel, log, capAtStart, compact, xTitle, sizeOf(host, compact), refs.current), chartData(store, series, log, scaleToStart, refs.current), host);
      u.ctx.canvas.dataset['testid'] = testId;
      plot.current = { key, u };
      drawnVersion.current = store.version;
      return;
    }
    if (drawnVersion.current === store.version) return;
    const now = performance.now();
    if (store.phase === 'running' && now - lastDraw.current < RUNNING_REDRAW_MS) return;
    lastDraw.current = now;
    drawnVersion.current = store.version;
    plot.current.u.setData(chartData(store, series, log, scaleToStart, refs.current));
    // The figures the lines end on, for a screen reader (the canvas has no text of its own);
    // a few times a second is plenty.
    if (store.phase !== 'running' || now - lastLabel.current > LABEL_MS) {
      lastLabel.current = now;
      const label = chartText(store, series, yLabel);
      if (host.getAttribute('aria-label') !== label) host.setAttribute('aria-label', label);
    }
  });

  return <div ref={hostRef} className={compact ? 'chart-host chart-strip' : 'chart-host'} role="img" aria-label={`${yLabel} per iteration: no run yet`} data-testid={`${testId}-host`} />;
}

/** "loss per iteration, at iteration 50: Adam (lr 0.1) 834.8; …": each lane's value at the iteration shown. */
function chartText<K extends string>(store: ChartStore<K>, series: K, yLabel: string): string {
  if (!store.lanes.length) return `${yLabel} per iteration: no run yet`;
  const parts = store.lanes.map((l) => {
    const it = Math.min(store.cursor ?? l.history.lastIteration, l.history.lastIteration);
    return `${l.label} ${it < 0 ? '—' : formatNumber(l.history.at(series, it))} at iteration ${Math.max(0, it)}`;
  });
  return `${yLabel} per iteration: ${parts.join('; ')}`;
}

function sizeOf(host: HTMLElement, compact = false): { width: number; height: number } {
  return { width: Math.max(100, host.clientWidth), height: Math.max(compact ? 40 : 80, host.clientHeight) };
}

function chartData<K extends string>(store: ChartStore<K>, series: K, log: boolean, scaleToStart: boolean, refs: RangeRefs): uPlot.AlignedData {
  let n = 0;
  refs.startMax = NaN;
  for (const l of store.lanes) {
    n = Math.max(n, l.history.lastIteration + 1);
    const first = l.history.first[series];
    if (!(first <= refs.startMax)) refs.startMax = first;
  }
  const reference = refs.reference;
  const m = Math.min(n, MAX_POINTS);
  const xs = new Array<number>(m);
  for (let k = 0; k < m; k++) xs[k] = m === n ? k : Math.round((k * (n - 1)) / (m - 1));
  const ok = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const ys = store.lanes.map((l) => {
    const first = Math.abs(l.history.first[series]);
    const scale = scaleToStart && first > 0 ? 1 / first : 1;
    return xs.map((it) => {
      if (it > l.history.lastIteration) return null;
      const v = l.history.at(series, it) * scale;
      return ok(v) ? v : null;
    });
  });
  // An invisible series holding the reference keeps it inside the y range.
  const refLine = xs.map(() => (reference && ok(reference.value) ? reference.value : null));
  return [xs, ...ys, refLine];
}

/** The data's extent, capped a little above the largest start, always holding the reference. */
function cappedRange(log: boolean, refs: RangeRefs): uPlot.Range.Function {
  return (_u, dataMin, dataMax) => {
    const e = refs.reference?.value ?? null;
    let lo = Number.isFinite(dataMin) ? dataMin : (e ?? 1);
    let hi = Number.isFinite(dataMax) ? dataMax : (e ?? 1) * 10;
    const s = refs.startMax;
    if (Number.isFinite(s) && s > 0) hi = Math.min(hi, log ? s * 100 : s * 1.5);
    lo = Math.min(lo, hi);
    if (e !== null && Number.isFinite(e) && (!log || e > 0)) {
      lo = Math.min(lo, e);
      hi = Math.max(hi, e);
    }
    if (log) return uPlot.rangeLog(Math.max(lo, 1e-300), Math.max(hi, lo * 10), 10, true) as [number, number];
    return uPlot.rangeNum(lo, hi, 0.05, true) as [number, number];
  };
}

function options<K extends string>(
  store: ChartStore<K>,
  yLabel: string,
  log: boolean,
  capAtStart: boolean,
  compact: boolean,
  xTitle: boolean,
  size: { width: number; height: number },
  refs: RangeRefs,
): uPlot.Options {
  const axis = compact
    ? { stroke: '#5b6470', grid: { show: false }, ticks: { show: false }, font: '10px system-ui, sans-serif', labelFont: '10px system-ui, sans-serif' }
    : { stroke: '#5b6470', grid: { stroke: '#e6e9ee', width: 1 }, ticks: { stroke: '#c3c9d2', width: 1 } };
  return {
    ...size,
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
    scales: {
      x: { time: false, range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] },
      y: { distr: log ? 3 : 1, log: 10, ...(capAtStart ? { range: cappedRange(log, refs) } : {}) },
    },
    axes: [
      // A chart with a strip under it keeps its grid but leaves the iteration numbers to the strip.
      compact ? { ...axis, size: 18 } : xTitle ? { label: 'iteration', ...axis } : { ...axis, size: 6, values: (_u: uPlot, splits: number[]) => splits.map(() => '') },
      // The same y-axis width in every chart, so a strip's iterations line up with the chart above.
      { label: yLabel, size: 62, ...(compact ? { labelSize: 14 } : {}), ...axis, values: (_u, splits) => formatTicks(splits.map((v) => (v === null || v === undefined ? NaN : v))) },
    ],
    series: [
      { label: 'iteration' },
      ...store.lanes.map((l) => ({ label: l.label, stroke: l.colour, width: 2, points: { show: false }, spanGaps: false })),
      { label: 'reference', stroke: 'transparent', width: 0, points: { show: false } },
    ],
    hooks: {
      draw: [
        (u: uPlot) => drawCursor(u, store.cursor),
        (u: uPlot) => {
          const r = refs.reference;
          if (!r || !Number.isFinite(r.value) || (log && r.value <= 0)) return;
          const y = u.valToPos(r.value, 'y', true);
          const { left, width } = u.bbox;
          const ctx = u.ctx;
          const px = devicePixelRatio;
          ctx.save();
          ctx.strokeStyle = '#1f2329';
          ctx.lineWidth = 1.5 * px;
          ctx.setLineDash([6 * px, 4 * px]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = '#1f2329';
          ctx.font = `${11 * px}px system-ui, sans-serif`;
          ctx.textAlign = 'right';
          ctx.textBaseline = r.below ? 'top' : 'bottom';
          ctx.fillText(r.label, left + width - 4 * px, r.below ? y + 3 * px : y - 3 * px);
          ctx.restore();
        },
      ],
    },
  };
}
