import { LIMITS } from '../../../main/protocol/limits';
import { LaneRow } from './lane-row';
import { makeLane, type LaneSettings } from './regression-settings';

interface LaneListProps {
  lanes: LaneSettings[];
  onChange: (lanes: LaneSettings[]) => void;
}

/** The optimizers to race: every lane starts from the same line with the same seed. */
export function LaneList({ lanes, onChange }: LaneListProps) {
  const add = () => {
    // A new lane copies the last one's optimizer: the usual next step is "same, other rate".
    const last = lanes[lanes.length - 1];
    const lane = makeLane(last?.optimizer ?? 'adam', lanes.map((l) => l.colour), last ? { ...last.params } : {});
    onChange([...lanes, lane]);
  };
  return (
    <section className="panel">
      <div className="panel-title-row">
        <h2>Lanes</h2>
        <button type="button" onClick={add} disabled={lanes.length >= LIMITS.maxLanes} data-testid="add-lane">
          + Add lane
        </button>
      </div>
      <ol className="lane-list">
        {lanes.map((lane, i) => (
          <LaneRow
            key={lane.id}
            lane={lane}
            index={i}
            canRemove={lanes.length > 1}
            onChange={(next) => onChange(lanes.map((l) => (l.id === lane.id ? next : l)))}
            onRemove={() => onChange(lanes.filter((l) => l.id !== lane.id))}
          />
        ))}
      </ol>
    </section>
  );
}
