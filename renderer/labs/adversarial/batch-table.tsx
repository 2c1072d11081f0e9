/**
 * The folder table: per image and lane the class before and after, success, steps and
 * distances; each lane's success rate (the first lane's also as the summary's data-value).
 */
import type { RankedClass } from '../../../main/protocol/adversarial';
import { saveFile } from '../../save-file';
import { pct } from './lane-view';
import { batchCsv } from './batch-export';
import type { BatchState } from './use-batch';

interface BatchTableProps {
  batch: BatchState;
  onCancel: () => void;
  onClose: () => void;
}

export function BatchTable({ batch, onCancel, onClose }: BatchTableProps) {
  const results = batch.rows.filter((r) => !r.error);
  const perLane = batch.attacks.map((attack) => {
    const mine = results.filter((r) => r.lane === attack);
    const wins = mine.filter((r) => r.success).length;
    return { attack, wins, count: mine.length, rate: mine.length ? wins / mine.length : null };
  });
  const rate = perLane[0]?.rate ?? null;
  const several = batch.attacks.length > 1;
  const exportCsv = () => saveFile('adversarial-folder.csv', new Blob([batchCsv(batch.rows, batch.card)], { type: 'text/csv' }));
  return (
    <section className="view-card adv-batch" data-testid="batch">
      <figcaption className="adv-batch-head">
        <span>
          Every image, {several ? `each of the ${batch.attacks.length} lanes` : 'the one lane'}: <span className="muted">{batch.attacks.join(' · ')}</span>
        </span>
        <span className="figure-tools">
          {batch.running ? (
            <>
              <span data-testid="batch-progress">
                {batch.done} of {batch.total} done · attacking the rest in parallel…
              </span>
              <progress max={batch.total} value={batch.done} aria-label="Images done" />
              <button type="button" className="small" onClick={onCancel} data-testid="batch-cancel">
                Cancel
              </button>
            </>
          ) : (
            <>
              <span data-testid="batch-summary" data-value={rate ?? ''}>
                {batch.ended === 'cancelled' ? `Cancelled after ${batch.done} of ${batch.total}. ` : batch.ended === 'interrupted' ? `Interrupted after ${batch.done} of ${batch.total}. ` : ''}
                {results.length === 0
                  ? 'No results.'
                  : perLane.map((l, i) => (
                      <span key={l.attack} title={l.attack}>
                        {i > 0 && ' · '}
                        {several ? `${l.attack}: ` : 'Success rate '}
                        <b data-testid="batch-rate">{l.rate === null ? '—' : `${Math.round(100 * l.rate)}%`}</b> ({l.wins} of {l.count})
                      </span>
                    ))}
                {batch.workers !== null && <span className="muted"> · {batch.workers === 1 ? 'one worker thread' : `${batch.workers} worker threads`}</span>}
              </span>
              <button type="button" className="small" onClick={exportCsv} disabled={!batch.rows.length} data-testid="batch-csv">
                CSV
              </button>
              <button type="button" className="small" onClick={onClose} data-testid="batch-close">
                Close
              </button>
            </>
          )}
        </span>
      </figcaption>
      <div className="adv-batch-scroll">
        <table className="lane-table adv-batch-table" data-testid="batch-table">
          <thead>
            <tr>
              <th className="text">image</th>
              {several && <th className="text">lane</th>}
              <th className="text">original class</th>
              <th className="text">final class</th>
              <th>success</th>
              <th>steps</th>
              <th title="Target confidence of the final image">target</th>
              <th title="Largest change, levels">L∞</th>
              <th title="Euclidean change, levels">L2</th>
              <th title="Pixels changed">L0 px</th>
              <th>PSNR</th>
              <th>SSIM</th>
            </tr>
          </thead>
          <tbody>
            {batch.rows.map((r, i) => (
              <tr key={i} data-testid="batch-row" data-success={r.error ? 'error' : String(r.success)}>
                <td className="text" title={r.name}>
                  {r.name}
                </td>
                {several && (
                  <td className="text" title={r.lane}>
                    {r.lane}
                  </td>
                )}
                {r.error ? (
                  <td colSpan={10} className="status-diverged">
                    {r.error}
                  </td>
                ) : (
                  <>
                    <ClassCell c={r.before} />
                    <ClassCell c={r.after} />
                    <td className={r.success ? 'status-done' : 'status-diverged'}>{r.success ? 'yes' : 'no'}</td>
                    <td>{r.steps}</td>
                    <td>{pct(r.targetConfidence)}</td>
                    <td>{r.distance?.linf ?? '—'}</td>
                    <td>{r.distance ? r.distance.l2.toFixed(1) : '—'}</td>
                    <td>{r.distance ? r.distance.l0Pixels.toLocaleString('en-US') : '—'}</td>
                    <td>{r.distance ? (r.distance.psnrDb === null ? '∞' : `${r.distance.psnrDb.toFixed(1)} dB`) : '—'}</td>
                    <td>{r.distance ? r.distance.ssim.toFixed(4) : '—'}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** ImageNet labels list synonyms ("tabby, tabby cat"): the first names the class; the cell's title has them all. */
export function ClassCell({ c }: { c: RankedClass | null }) {
  if (!c) return <td className="text">—</td>;
  return (
    <td className="text" title={`${c.label} (#${c.index})`}>
      {c.label.split(',')[0]} {pct(c.probability)}
    </td>
  );
}
