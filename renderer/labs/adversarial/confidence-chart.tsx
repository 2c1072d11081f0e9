/**
 * A share (0–100 %) against a count on a plain canvas: one lane's target confidence over its
 * steps, with the stop threshold dashed, and the universal perturbation's fooling rate against
 * ε. Points are few (tens, at most 10,000) and change about twice a second, so a canvas redrawn
 * when its data moves is enough; uPlot would be more machinery than this needs.
 */
import { useCanvasRedraw } from '../../use-canvas-redraw';
import type { AdversarialStore } from './adversarial-store';

const PAD = { left: 30, right: 6, top: 6, bottom: 16 };

export interface ShareChart {
  /** The x axis runs from 0 to this. */
  xMax: number;
  /** What the right end of the x axis says ("step 10", "ε 10"). */
  xEndLabel: string;
  points: readonly { x: number; p: number }[];
  colour: string;
  /** A share drawn dashed across (the stop threshold). */
  threshold?: number | null;
  /** An x drawn as a thin vertical line (the timeline's step, the ε shown). */
  cursorX?: number | null;
  /** Each point's share written above it but the origin's (a few points only). */
  pointLabels?: boolean;
}

/** Draws a ShareChart over the whole canvas (CSS pixels; fitCanvas has scaled the context). */
export function drawShareChart(ctx: CanvasRenderingContext2D, width: number, height: number, chart: ShareChart): void {
  ctx.clearRect(0, 0, width, height);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  if (plotW < 20 || plotH < 20) return;
  const xMax = Math.max(chart.xMax, 1e-9);
  const x = (k: number) => PAD.left + (k / xMax) * plotW;
  const y = (p: number) => PAD.top + (1 - p) * plotH;

  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#5b6470'; // --muted
  ctx.strokeStyle = '#e6e9ee';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const p of [0, 0.5, 1]) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, Math.round(y(p)) + 0.5);
    ctx.lineTo(PAD.left + plotW, Math.round(y(p)) + 0.5);
    ctx.stroke();
    ctx.fillText(`${p * 100}%`, PAD.left - 3, y(p));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0', x(0), PAD.top + plotH + 3);
  ctx.fillText(chart.xEndLabel, PAD.left + plotW - 18, PAD.top + plotH + 3);

  if (typeof chart.threshold === 'number') {
    ctx.save();
    ctx.strokeStyle = '#1f2329';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(chart.threshold));
    ctx.lineTo(PAD.left + plotW, y(chart.threshold));
    ctx.stroke();
    ctx.restore();
  }
  const { points, colour } = chart;
  if (!points.length) return;
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach((q, k) => (k === 0 ? ctx.moveTo(x(q.x), y(q.p)) : ctx.lineTo(x(q.x), y(q.p))));
  ctx.stroke();
  if (points.length <= 60) {
    for (const q of points) {
      ctx.beginPath();
      ctx.arc(x(q.x), y(q.p), 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  if (chart.pointLabels) {
    ctx.fillStyle = '#1f2329';
    ctx.textBaseline = 'bottom';
    for (const q of points) if (q.x > 0) ctx.fillText(`${Math.round(100 * q.p)}%`, Math.min(x(q.x), PAD.left + plotW - 12), Math.max(PAD.top + 10, y(q.p) - 4));
  }
  if (chart.cursorX !== null && chart.cursorX !== undefined) {
    ctx.strokeStyle = 'rgba(31, 35, 41, 0.6)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(x(chart.cursorX)) + 0.5, PAD.top);
    ctx.lineTo(Math.round(x(chart.cursorX)) + 0.5, PAD.top + plotH);
    ctx.stroke();
  }
}

export function ConfidenceChart({ store, laneId, colour }: { store: AdversarialStore; laneId: string; colour: string }) {
  const lane = () => store.lanes.find((l) => l.id === laneId);
  const ref = useCanvasRedraw({
    key: () => `${store.version}|${lane()?.reports.length ?? 0}`,
    draw: (ctx, size) => {
      const l = lane();
      const reports = l?.reports ?? [];
      const lastReport = reports.at(-1);
      ctx.canvas.setAttribute('aria-label', lastReport ? `Target confidence over steps: ${(100 * lastReport.targetConfidence).toFixed(1)}% at step ${lastReport.step}` : 'Target confidence over steps: no step yet');
      const steps = Math.max(1, l?.maxSteps ?? 1, reports.length ? reports[reports.length - 1]!.step : 0);
      // A lane that finished early repeats its last report every iteration: one point a step.
      const points = reports.filter((r, k) => k === 0 || r.step !== reports[k - 1]!.step).map((r) => ({ x: r.step, p: r.targetConfidence }));
      // The timeline's step while the user scrubs.
      const shown = l ? store.shownReport(l) : null;
      drawShareChart(ctx, size.width, size.height, {
        xMax: steps,
        xEndLabel: `step ${steps}`,
        points,
        colour,
        threshold: l?.stopAtConfidence ?? null,
        cursorX: store.cursor !== null && shown ? shown.step : null,
      });
    },
  });
  return <canvas ref={ref} className="adv-chart" data-testid="confidence-chart" aria-label="Target confidence over steps" role="img" />;
}
