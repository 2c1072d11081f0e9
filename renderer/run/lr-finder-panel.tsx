/**
 * The learning-rate finder for one lane: the range test's loss against the learning rate (log
 * axis), the suggested rate marked, and one click to give the lane that rate. The engine runs
 * the test (protocol/lr-finder.ts); this draws its answer.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { LrFindReply } from '../../main/protocol/messages';
import { LR_FINDER } from '../../main/protocol/lr-finder';
import { formatNumber } from '../format-number';
import { formatTicks } from '../nice-ticks';

export type FinderState = { laneId: string; label: string } & ({ status: 'running' } | { status: 'done'; reply: LrFindReply } | { status: 'failed'; message: string });

interface Props {
  state: FinderState;
  onUse: (rate: number) => void;
  onClose: () => void;
}

export function LrFinderPanel({ state, onUse, onClose }: Props) {
  const reply = state.status === 'done' ? state.reply : null;
  const suggested = reply?.suggested ?? null;
  return (
    <div className="finder-backdrop" onClick={onClose}>
      <section className="finder-panel panel" role="dialog" aria-label={`Learning-rate finder: ${state.label}`} data-testid="lr-finder" onClick={(e) => e.stopPropagation()}>
        <div className="panel-title-row">
          <h2>Find learning rate · {state.label}</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close the finder" data-testid="lr-finder-close">
            ×
          </button>
        </div>
        <p className="muted small-text">
          From the lab&rsquo;s start, {LR_FINDER.steps} steps at rates growing from {LR_FINDER.minRate} to {LR_FINDER.maxRate}, the loss after each; the suggestion is a third of the rate where the loss bottoms out before it blows up.
        </p>
        {state.status === 'running' && (
          <p role="status" data-testid="lr-finder-status">
            Running the range test…
          </p>
        )}
        {state.status === 'failed' && (
          <p className="field-note error" role="alert" data-testid="lr-finder-status">
            {state.message}
          </p>
        )}
        {reply && <FinderChart reply={reply} />}
        {reply && (
          <div className="finder-actions">
            {suggested === null ? (
              <span data-testid="lr-finder-suggested">No suggestion: the loss never fell below its start.</span>
            ) : (
              <>
                <span data-testid="lr-finder-suggested" data-value={suggested}>
                  Suggested learning rate <strong>{formatNumber(Number(suggested.toPrecision(3)))}</strong>
                </span>
                <button type="button" className="primary" onClick={() => onUse(Number(suggested.toPrecision(3)))} data-testid="lr-finder-use">
                  Use {formatNumber(Number(suggested.toPrecision(3)))} in this lane
                </button>
              </>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

/** Loss against rate, log rate axis, the suggestion a dashed line; y spans the start and every loss before the blow-up. */
function FinderChart({ reply }: { reply: LrFindReply }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const rates = Array.from(reply.learningRates);
    const losses = Array.from(reply.losses, (v) => (Number.isFinite(v) ? v : null));
    const kept = losses.slice(0, -1).filter((v): v is number => v !== null);
    const lo = Math.min(reply.start, ...kept);
    const hi = Math.max(reply.start, ...kept);
    const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
    const axis = { stroke: '#5b6470', grid: { stroke: '#e6e9ee', width: 1 }, ticks: { stroke: '#c3c9d2', width: 1 } };
    const ticks = (_u: uPlot, splits: number[]) => formatTicks(splits.map((v) => (v === null || v === undefined ? NaN : v)));
    const u = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 260,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, distr: 3, log: 10 }, y: { range: [lo - pad, hi + pad] } },
        axes: [
          { label: 'learning rate (log)', ...axis, values: ticks },
          { label: 'loss after the step', size: 62, ...axis, values: ticks },
        ],
        series: [{ label: 'rate' }, { label: 'loss', stroke: '#1f77b4', width: 2, points: { show: false } }],
        hooks: {
          draw: [
            (p: uPlot) => {
              if (reply.suggested === null) return;
              const x = p.valToPos(reply.suggested, 'x', true);
              const { top, height } = p.bbox;
              const ctx = p.ctx;
              const px = devicePixelRatio;
              ctx.save();
              ctx.strokeStyle = '#c2410c';
              ctx.lineWidth = 2 * px;
              ctx.setLineDash([6 * px, 4 * px]);
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + height);
              ctx.stroke();
              ctx.setLineDash([]);
              ctx.fillStyle = '#9a3412';
              ctx.font = `${12 * px}px system-ui, sans-serif`;
              ctx.textAlign = 'left';
              ctx.textBaseline = 'top';
              ctx.fillText(`suggested ${formatNumber(Number(reply.suggested.toPrecision(3)))}`, x + 4 * px, top + 4 * px);
              ctx.restore();
            },
          ],
        },
      },
      [rates, losses],
      el,
    );
    u.ctx.canvas.dataset['testid'] = 'lr-finder-chart';
    return () => u.destroy();
  }, [reply]);
  const n = reply.losses.length;
  const label = `Loss against learning rate over ${n} steps from ${formatNumber(reply.learningRates[0])} to ${formatNumber(reply.learningRates[n - 1])}; ${reply.suggested === null ? 'no suggestion' : `suggested ${formatNumber(reply.suggested)}`}`;
  return <div ref={host} className="finder-chart" role="img" aria-label={label} />;
}
