import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useAnimationFrame } from '../../use-animation-frame';
import { formatTicks } from '../../nice-ticks';
import { drawCursor } from '../../run/chart-cursor';
import type { RunStore } from './run-store';

interface LossChartProps {
  store: RunStore;
  /** The exact minimum MSE to draw as a dashed line (null when unknown). */
  exactMse: number | null;
  log: boolean;
}

/** uPlot draws thousands of points cheaply, but a million-iteration run is sampled to this many. */
const MAX_POINTS = 2000;
/** Least time between redraws while a run is streaming (about 30 a second). */
const RUNNING_REDRAW_MS = 30;

/**
 * Loss per iteration for every lane. The plot is rebuilt only when the lanes or the scale type
 * change; otherwise the frame loop calls setData at most once per animation frame, and only
 * when the store has moved on.
 */
export function LossChart({ store, exactMse, log }: LossChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plot = useRef<{ key: string; u: uPlot } | null>(null);
  const drawnVersion = useRef(-1);
  const lastDraw = useRef(0);
  const scale = useRef<ScaleRefs>({ exact: exactMse, startLoss: NaN });
  scale.current.exact = exactMse;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const resize = new ResizeObserver(() => plot.current?.u.setSize(sizeOf(host)));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.current?.u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    drawnVersion.current = -1; // redraw the dashed line when the exact answer changes
  }, [exactMse]);

  useAnimationFrame(() => {
    const host = hostRef.current;
    if (!host) return;
    const key = `${log}|${store.lanes.map((l) => `${l.id}:${l.colour}:${l.label}`).join(',')}`;
    if (plot.current?.key !== key) {
      plot.current?.u.destroy();
      const u = new uPlot(options(store, log, sizeOf(host), scale.current), chartData(store, log, scale.current), host);
      u.ctx.canvas.dataset['testid'] = 'loss-chart';
      plot.current = { key, u };
      drawnVersion.current = store.version;
      return;
    }
    if (drawnVersion.current === store.version) return;
    // While frames stream in, 30 redraws a second look the same as 60 and cost half.
    const now = performance.now();
    if (store.phase === 'running' && now - lastDraw.current < RUNNING_REDRAW_MS) return;
    lastDraw.current = now;
    drawnVersion.current = store.version;
    plot.current.u.setData(chartData(store, log, scale.current));
  });

  return <div ref={hostRef} className="chart-host" />;
}

function sizeOf(host: HTMLElement): { width: number; height: number } {
  return { width: Math.max(100, host.clientWidth), height: Math.max(80, host.clientHeight) };
}

/** Read by the scale's range function, which uPlot calls with only the data's extent. */
interface ScaleRefs {
  exact: number | null;
  /** The largest iteration-0 loss: the y axis stops a little above it (see options). */
  startLoss: number;
}

function chartData(store: RunStore, log: boolean, refs: ScaleRefs): uPlot.AlignedData {
  let n = 0;
  refs.startLoss = NaN;
  for (const l of store.lanes) {
    n = Math.max(n, l.history.lastIteration + 1);
    if (!(l.history.firstLoss <= refs.startLoss)) refs.startLoss = l.history.firstLoss;
  }
  const m = Math.min(n, MAX_POINTS);
  const xs = new Array<number>(m);
  for (let k = 0; k < m; k++) xs[k] = m === n ? k : Math.round((k * (n - 1)) / (m - 1));
  const series = store.lanes.map((l) =>
    xs.map((it) => {
      if (it > l.history.lastIteration) return null;
      const v = l.history.lossAt(it);
      // A diverged lane's inf/NaN would wreck the scale; a log axis cannot show 0.
      return Number.isFinite(v) && (!log || v > 0) ? v : null;
    }),
  );
  return [xs, ...series];
}

function options(store: RunStore, log: boolean, size: { width: number; height: number }, refs: ScaleRefs): uPlot.Options {
  return {
    ...size,
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
    scales: {
      x: { time: false, range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] },
      y: {
        distr: log ? 3 : 1,
        log: 10,
        range: (_u, dataMin, dataMax) => {
          const e = refs.exact;
          let lo = Number.isFinite(dataMin) ? dataMin : (e ?? 1);
          let hi = Number.isFinite(dataMax) ? dataMax : (e ?? 1) * 10;
          // A diverging lane would stretch the axis to 1e38 and flatten every other line:
          // cap it a little above the worst start (it leaves through the top instead).
          const s = refs.startLoss;
          if (Number.isFinite(s) && s > 0) hi = Math.min(hi, log ? s * 100 : s * 1.5);
          lo = Math.min(lo, hi);
          if (e !== null && Number.isFinite(e) && (!log || e > 0)) {
            lo = Math.min(lo, e);
            hi = Math.max(hi, e);
          }
          if (log) return uPlot.rangeLog(Math.max(lo, 1e-300), Math.max(hi, lo * 10), 10, true) as [number, number];
          return uPlot.rangeNum(lo, hi, 0.05, true) as [number, number];
        },
      },
    },
    axes: [
      { label: 'iteration', stroke: '#5b6470', grid: { stroke: '#e6e9ee', width: 1 }, ticks: { stroke: '#c3c9d2', width: 1 } },
      {
        label: 'loss (MSE)',
        size: 62,
        stroke: '#5b6470',
        grid: { stroke: '#e6e9ee', width: 1 },
        ticks: { stroke: '#c3c9d2', width: 1 },
        values: (_u, splits) => formatTicks(splits.map((v) => (v === null || v === undefined ? NaN : v))),
      },
    ],
    series: [
      { label: 'iteration' },
      ...store.lanes.map((l) => ({ label: l.label, stroke: l.colour, width: 2, points: { show: false }, spanGaps: false })),
    ],
    hooks: {
      draw: [
        (u: uPlot) => drawCursor(u, store.cursor),
        (u: uPlot) => {
          const e = refs.exact;
          if (e === null || !Number.isFinite(e) || (log && e <= 0)) return;
          const y = u.valToPos(e, 'y', true);
          const { left, width } = u.bbox;
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#1f2329';
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = '#1f2329';
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.textAlign = 'right';
          // Below the line: lanes come down onto it from above, so that side stays clear.
          ctx.textBaseline = 'top';
          ctx.fillText('exact minimum', left + width - 4 * devicePixelRatio, y + 3 * devicePixelRatio);
          ctx.restore();
        },
      ],
    },
  };
}
