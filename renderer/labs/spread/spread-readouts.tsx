/**
 * Per lane: minimum angle, nearest-neighbour angles, Coulomb energy and, on the 3-D sphere,
 * the gap to the best published value for this N; plus the lane's vector exports. Polled ten
 * times a second from the store, not pushed per frame.
 */
import { useEffect, useState } from 'react';
import type { LaneStatus, SpreadReference } from '../../../main/protocol/messages';
import { exactSpreadMetrics, type ExactSpreadMetrics } from '../../../main/protocol/spread-exact';
import { formatNumber, formatRate } from '../../format-number';
import { saveFile } from '../../save-file';
import type { SpreadStore } from './spread-store';
import { vectorsCsv, vectorsJson } from './vectors-export';

interface Row {
  id: string;
  label: string;
  colour: string;
  status: LaneStatus;
  iteration: number;
  minAngleDeg: number;
  nnMeanDeg: number;
  nnStdDeg: number;
  energy: number;
  hasVectors: boolean;
}

const REFRESH_MS = 100;
/**
 * The engine's per-iteration figures come from float32 cosines, good to about 1e-7 relative:
 * below the gap to a published optimum near the end. Where the shown vectors are at hand and
 * small enough (N²·D pair terms) the table recomputes them in float64 instead.
 */
const MAX_EXACT_TERMS = 3e7;
const exactCache = new WeakMap<Float32Array, ExactSpreadMetrics>();

function exactFor(vectors: Float32Array, n: number, dim: number): ExactSpreadMetrics | null {
  if (n < 2 || n * n * dim > MAX_EXACT_TERMS || vectors.length !== n * dim) return null;
  let m = exactCache.get(vectors);
  if (!m) {
    m = exactSpreadMetrics(vectors, n, dim);
    exactCache.set(vectors, m);
  }
  return m;
}

function rows(store: SpreadStore): Row[] {
  const shown = store.shownIteration;
  return store.lanes.map((l) => {
    const sample = store.shownSample(l);
    // Exact figures only when the sample is of the iteration shown (vectors lag the series a little).
    const exact = sample && sample.iteration === Math.min(shown, l.history.lastIteration) ? exactFor(sample.vectors, store.n, store.dim) : null;
    return {
      id: l.id,
      label: l.label,
      colour: l.colour,
      status: l.status,
      iteration: Math.min(shown, l.history.lastIteration),
      minAngleDeg: exact?.minAngleDeg ?? l.history.at('minAngleDeg', shown),
      nnMeanDeg: exact?.nnMeanDeg ?? l.history.at('nnMeanDeg', shown),
      nnStdDeg: exact?.nnStdDeg ?? l.history.at('nnStdDeg', shown),
      energy: exact?.energy ?? l.history.at('energy', shown),
      hasVectors: !!sample,
    };
  });
}

const deg = (v: number) => (Number.isFinite(v) ? `${v.toFixed(3)}°` : '—');

/** Energy above the best known, relative; angle below the best known, in degrees. */
function gaps(r: Row, ref: SpreadReference | null): { energy: string; angle: string } {
  const energy = ref?.thomsonEnergy && Number.isFinite(r.energy) ? `${formatNumber((r.energy - ref.thomsonEnergy) / ref.thomsonEnergy)}` : '—';
  const angle = ref?.tammesAngleDeg && Number.isFinite(r.minAngleDeg) ? `${(ref.tammesAngleDeg - r.minAngleDeg).toFixed(3)}°` : '—';
  return { energy, angle };
}

export function SpreadReadouts({ store, dim }: { store: SpreadStore; dim: number }) {
  const [snapshot, setSnapshot] = useState(() => ({ version: -1, rows: rows(store), reference: store.reference, iteration: 0, rate: null as number | null }));
  useEffect(() => {
    const timer = setInterval(() => {
      setSnapshot((s) =>
        s.version === store.version ? s : { version: store.version, rows: rows(store), reference: store.reference, iteration: store.shownIteration, rate: store.cursor === null && store.phase === 'running' ? store.itersPerSecond : null },
      );
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [store]);

  const exportLane = (id: string, format: 'csv' | 'json') => {
    const lane = store.lanes.find((l) => l.id === id);
    const sample = lane && store.shownSample(lane);
    if (!lane || !sample) return;
    const { n, dim: d } = store;
    const base = `spread-${n}x${d}-${lane.label.replace(/[^\w.-]+/g, '_')}-it${sample.iteration}`;
    if (format === 'csv') saveFile(`${base}.csv`, new Blob([vectorsCsv(sample.vectors, n, d, { lane: lane.label, iteration: sample.iteration, ...store.runCard })], { type: 'text/csv' }));
    else {
      const h = lane.history;
      const about = { run: store.runCard, lane: lane.label, iteration: sample.iteration, minAngleDeg: h.at('minAngleDeg', sample.iteration), energy: h.at('energy', sample.iteration) };
      saveFile(`${base}.json`, new Blob([vectorsJson(sample.vectors, n, d, about)], { type: 'application/json' }));
    }
  };

  const ref = snapshot.reference;
  const showGap = dim === 3 && !!ref && (ref.thomsonEnergy !== null || ref.tammesAngleDeg !== null);
  return (
    <div className="spread-readouts">
      <p className="readout-head" data-testid="spread-iteration">
        {snapshot.rows.length ? `iteration ${snapshot.iteration}${snapshot.rate === null ? '' : ` · ${formatRate(snapshot.rate)}`}` : 'No run yet'}
        {ref && (
          <span className="muted" data-testid="spread-reference">
            {' '}
            · best known for N = {store.n}: {ref.thomsonEnergy !== null && `energy ${ref.thomsonEnergy}`}
            {ref.thomsonEnergy !== null && ref.tammesAngleDeg !== null && ', '}
            {ref.tammesAngleDeg !== null && `min angle ${ref.tammesAngleDeg}°`}
          </span>
        )}
      </p>
      <table className="lane-table spread-table" data-testid="spread-readouts">
        <thead>
          <tr>
            <th>lane</th>
            <th title="Smallest angle between any two vectors">min angle</th>
            <th title="Mean ± standard deviation of each vector's angle to its nearest neighbour">nearest neighbour</th>
            <th title="Coulomb energy Σ 1/r over pairs">energy</th>
            {showGap && <th title="Energy above the best published (relative)">Δ energy</th>}
            {showGap && <th title="Best published minimum angle minus this lane's">Δ angle</th>}
            <th>export</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.rows.map((r) => {
            const g = gaps(r, ref);
            return (
              <tr key={r.id} data-testid="spread-readout-row">
                <td>
                  <span className="swatch" style={{ background: r.colour }} aria-hidden /> {r.label}
                  {r.status === 'diverged' && <span className="status-diverged"> diverged</span>}
                </td>
                <td data-testid="min-angle" data-value={r.minAngleDeg}>
                  {deg(r.minAngleDeg)}
                </td>
                <td>
                  {deg(r.nnMeanDeg)} ± {Number.isFinite(r.nnStdDeg) ? r.nnStdDeg.toFixed(3) : '—'}°
                </td>
                <td data-testid="energy" data-value={r.energy}>
                  {formatNumber(r.energy)}
                </td>
                {showGap && <td>{g.energy}</td>}
                {showGap && <td>{g.angle}</td>}
                <td className="export-cell">
                  <button type="button" className="small" disabled={!r.hasVectors} onClick={() => exportLane(r.id, 'csv')} data-testid="export-csv">
                    CSV
                  </button>
                  <button type="button" className="small" disabled={!r.hasVectors} onClick={() => exportLane(r.id, 'json')} data-testid="export-json">
                    JSON
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
