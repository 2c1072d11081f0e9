/**
 * One lane's target confidence over its steps, 0–100 %, with the stop threshold dashed. Steps
 * are few (tens, at most 10,000) and arrive about twice a second, so a plain canvas redrawn
 * when the store moves is enough; uPlot would be more machinery than this needs.
 */
import { useRef } from 'react';
import { fitCanvas } from '../../fit-canvas';
import { useAnimationFrame } from '../../use-animation-frame';
import type { AdversarialStore } from './adversarial-store';

const PAD = { left: 30, right: 6, top: 6, bottom: 16 };

export function ConfidenceChart({ store, laneId, colour }: { store: AdversarialStore; laneId: string; colour: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useRef('');
  useAnimationFrame(() => {
    const canvas = ref.current;
    if (!canvas || canvas.offsetParent === null) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const size = fitCanvas(canvas, ctx);
    const lane = store.lanes.find((l) => l.id === laneId);
    const reports = lane?.reports ?? [];
    const key = `${store.version}|${reports.length}|${size.width}x${size.height}`;
    if (!size.resized && key === drawn.current) return;
    drawn.current = key;
    const lastReport = reports.at(-1);
    canvas.setAttribute('aria-label', lastReport ? `Target confidence over steps: ${(100 * lastReport.targetConfidence).toFixed(1)}% at step ${lastReport.step}` : 'Target confidence over steps: no step yet');
    const { width, height } = size;
    ctx.clearRect(0, 0, width, height);
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    if (plotW < 20 || plotH < 20) return;
    const steps = Math.max(1, lane?.maxSteps ?? 1, reports.length ? reports[reports.length - 1]!.step : 0);
    const x = (k: number) => PAD.left + (k / steps) * plotW;
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
    ctx.fillText(`step ${steps}`, PAD.left + plotW - 18, PAD.top + plotH + 3);

    const stopAt = lane?.stopAtConfidence;
    if (typeof stopAt === 'number') {
      ctx.save();
      ctx.strokeStyle = '#1f2329';
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(PAD.left, y(stopAt));
      ctx.lineTo(PAD.left + plotW, y(stopAt));
      ctx.stroke();
      ctx.restore();
    }
    // A lane that finished early repeats its last report every iteration: one point a step.
    const points = reports.filter((r, k) => k === 0 || r.step !== reports[k - 1]!.step);
    if (!points.length) return;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((r, k) => (k === 0 ? ctx.moveTo(x(r.step), y(r.targetConfidence)) : ctx.lineTo(x(r.step), y(r.targetConfidence))));
    ctx.stroke();
    if (points.length <= 60) {
      for (const r of points) {
        ctx.beginPath();
        ctx.arc(x(r.step), y(r.targetConfidence), 2.2, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    // The timeline's step while the user scrubs.
    const shown = lane ? store.shownReport(lane) : null;
    if (store.cursor !== null && shown) {
      ctx.strokeStyle = 'rgba(31, 35, 41, 0.6)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(x(shown.step)) + 0.5, PAD.top);
      ctx.lineTo(Math.round(x(shown.step)) + 0.5, PAD.top + plotH);
      ctx.stroke();
    }
  });
  return <canvas ref={ref} className="adv-chart" data-testid="confidence-chart" aria-label="Target confidence over steps" role="img" />;
}
