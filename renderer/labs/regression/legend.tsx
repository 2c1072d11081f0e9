import { useCallback, useSyncExternalStore } from 'react';
import type { LaneSettings } from './regression-settings';
import { laneLabel } from './regression-settings';
import type { RunStore } from './run-store';

interface LegendProps {
  store: RunStore;
  /** Shown before any run, when the views draw only the starting line. */
  settingsLanes: LaneSettings[];
  /** A model of your own is shown: curves, not lines; `exact` says whether it has an exact fit to draw. */
  model?: { exact: boolean } | null;
}

/**
 * One key for all three views: lanes by colour, the exact fit dashed, the start line grey.
 * Once there is a run the views draw the run's lanes (as the engine announced them), not the
 * settings, which may have been edited since; so the key does too.
 */
export function Legend({ store, settingsLanes, model = null }: LegendProps) {
  const subscribe = useCallback((cb: () => void) => store.onLanes(cb), [store]);
  // Empty exactly when there is no run (a run has at least one lane).
  const runLanes = useSyncExternalStore(subscribe, () => store.lanes);
  const lanes = runLanes.length
    ? runLanes.map((l) => ({ id: l.id, colour: l.colour, label: l.label }))
    : settingsLanes.map((l) => ({ id: l.id, colour: l.colour, label: laneLabel(l) }));
  return (
    <ul className="legend" aria-label="Legend" data-testid="legend" data-capture-legend>
      {lanes.map((l) => (
        <li key={l.id} data-testid="legend-lane">
          <span className="legend-line" style={{ background: l.colour }} />
          {l.label}
        </li>
      ))}
      {(!model || model.exact) && (
        <li>
          <span className="legend-line legend-dashed" />
          exact least squares
        </li>
      )}
      <li>
        <span className="legend-line legend-start" />
        {model ? 'starting curve' : 'starting line'}
      </li>
    </ul>
  );
}
