/**
 * Per lane at the iteration shown: f, |∇f|, the distance to the nearest known minimum, the
 * iterations used, and the gradient check — the autodiff gradient the optimizer stepped with
 * beside float64 central differences at the same point, with their relative error and a
 * warning where they disagree (a kink of abs, min or max).
 */
import type { LaneStatus } from '../../../main/protocol/messages';
import { SURFACE_LIMITS, gradientRelativeError, nearestMinimum } from '../../../main/protocol/surface';
import { formatNumber, needsExponent } from '../../format-number';
import { laneStatusText, shownPhase, type ShownPhase } from '../../run/run-store-base';
import { LanesHeading } from '../../run/lanes-heading';
import { useStoreSnapshot } from '../../run/use-store-snapshot';
import type { SurfaceStore } from './surface-store';

interface LaneReadout {
  id: string;
  label: string;
  colour: string;
  iteration: number;
  x: number;
  y: number;
  f: number;
  autodiff: [number, number];
  finiteDifference: [number, number];
  distance: number | null;
  status: LaneStatus;
}

interface Snapshot {
  version: number;
  phase: ShownPhase;
  iteration: number;
  itersPerSecond: number;
  lanes: LaneReadout[];
}


function snapshot(store: SurfaceStore): Snapshot {
  const shown = store.shownIteration;
  return {
    version: store.version,
    phase: shownPhase(store),
    iteration: shown,
    itersPerSecond: store.cursor === null ? store.itersPerSecond : 0,
    lanes: store.lanes.map((l) => {
      const h = l.history;
      const x = h.at('x', shown);
      const y = h.at('y', shown);
      return {
        id: l.id,
        label: l.label,
        colour: l.colour,
        iteration: Math.min(shown, h.lastIteration),
        x,
        y,
        f: h.at('f', shown),
        autodiff: [h.at('gx', shown), h.at('gy', shown)],
        finiteDifference: [h.at('fdx', shown), h.at('fdy', shown)],
        distance: nearestMinimum(store.minima, x, y)?.distance ?? null,
        status: l.status,
      };
    }),
  };
}

const num = (v: number) => (Number.isFinite(v) ? formatNumber(v) : '—');
const pair = ([a, b]: [number, number]) => `(${num(a)}, ${num(b)})`;
/** Figures in the table: four digits keep the row inside the card; the full ones are in the cells' tooltips. */
const short = (v: number) => (!Number.isFinite(v) ? '—' : needsExponent(v) ? v.toExponential(2).replace('e+', 'e') : String(Number(v.toPrecision(4))));

export function SurfaceReadouts({ store }: { store: SurfaceStore }) {
  const snap = useStoreSnapshot(store, snapshot);
  const hasMinima = store.minima.length > 0;

  return (
    <div className="readouts surface-readouts">
      <LanesHeading iteration={snap.iteration} hasLanes={snap.lanes.length > 0} phase={snap.phase} itersPerSecond={snap.itersPerSecond} />
      {snap.lanes.length === 0 ? (
        <p className="muted">Press Run (or Space) to start every lane from the start point.</p>
      ) : (
        <table className="lane-table" data-testid="surface-readouts">
          <thead>
            <tr>
              <th />
              <th>f</th>
              <th>|∇f|</th>
              {hasMinima && <th title="distance to the nearest known minimum">to min</th>}
              <th>(x, y)</th>
              <th title="autodiff gradient (float32, what the optimizer used) against float64 central differences: relative error">∇ check</th>
              <th>status</th>
            </tr>
          </thead>
          <tbody>
            {snap.lanes.map((l, i) => {
              const error = gradientRelativeError(l.autodiff, l.finiteDifference);
              const bad = error > SURFACE_LIMITS.gradientCheckTolerance;
              return (
                <tr key={l.id} title={`${l.label}: iteration ${l.iteration}, at ${pair([l.x, l.y])}`}>
                  <td>
                    <span className="swatch" style={{ background: l.colour }} />
                  </td>
                  <td data-testid={`lane-f-${i}`} data-value={l.f} title={num(l.f)}>{short(l.f)}</td>
                  <td data-testid={`lane-grad-${i}`} title={num(Math.hypot(...l.autodiff))}>{short(Math.hypot(...l.autodiff))}</td>
                  {hasMinima && <td data-testid={`lane-distance-${i}`} data-value={l.distance ?? undefined}>{l.distance === null ? '—' : short(l.distance)}</td>}
                  <td data-testid={`lane-point-${i}`} data-x={l.x} data-y={l.y} title={pair([l.x, l.y])}>
                    ({short(l.x)}, {short(l.y)})
                  </td>
                  <td
                    data-testid={`lane-check-${i}`}
                    data-error={error}
                    className={bad ? 'check-warning' : undefined}
                    title={`autodiff ${pair(l.autodiff)}\nfinite differences ${pair(l.finiteDifference)}\nrelative error ${error.toExponential(2)}${bad ? ' — they disagree: a kink (abs, min, max) or an undefined point' : ''}`}
                  >
                    {Number.isFinite(error) ? `${bad ? '⚠' : '✓'} ${error.toExponential(0)}` : '—'}
                  </td>
                  <td data-testid={`lane-status-${i}`} className={`status-${l.status}`}>
                    {laneStatusText(l.status, snap.phase)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="muted small-note">
        Gradient check: the autodiff gradient each lane stepped with, against float64 central differences of the same formula at the same point (relative error; ⚠ above {SURFACE_LIMITS.gradientCheckTolerance}).
      </p>
    </div>
  );
}
