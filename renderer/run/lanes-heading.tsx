import { formatRate } from '../format-number';
import type { ShownPhase } from './run-store-base';

/** A lane table's heading: the iteration shown and, while running, the measured rate. */
export function LanesHeading({ iteration, hasLanes, phase, itersPerSecond }: { iteration: number; hasLanes: boolean; phase: ShownPhase; itersPerSecond: number }) {
  return (
    <h3>
      Lanes <span className="muted">· iteration </span>
      <span data-testid="iteration" data-value={iteration}>{hasLanes ? iteration : '—'}</span>
      {phase === 'running' && (
        <span className="muted" data-testid="rate">
          {' '}
          · {formatRate(itersPerSecond)}
        </span>
      )}
    </h3>
  );
}
