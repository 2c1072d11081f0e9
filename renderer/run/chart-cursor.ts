/** The timeline's iteration on a uPlot chart: a thin vertical line while the user scrubs. */
import type uPlot from 'uplot';

export function drawCursor(u: uPlot, iteration: number | null): void {
  if (iteration === null) return;
  const x = u.valToPos(iteration, 'x', true);
  const { top, height } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = 'rgba(31, 35, 41, 0.6)';
  ctx.lineWidth = devicePixelRatio;
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, top + height);
  ctx.stroke();
  ctx.restore();
}
