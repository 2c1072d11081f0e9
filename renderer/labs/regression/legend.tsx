import type { LaneSettings } from './regression-settings';
import { laneLabel } from './regression-settings';

/** One key for all three views: lanes by colour, the exact fit dashed, the start line grey. */
export function Legend({ lanes }: { lanes: LaneSettings[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {lanes.map((l) => (
        <li key={l.id}>
          <span className="legend-line" style={{ background: l.colour }} />
          {laneLabel(l)}
        </li>
      ))}
      <li>
        <span className="legend-line legend-dashed" />
        exact least squares
      </li>
      <li>
        <span className="legend-line legend-start" />
        starting line
      </li>
    </ul>
  );
}
