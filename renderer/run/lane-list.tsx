import type { ReactNode } from 'react';
import { LIMITS } from '../../main/protocol/limits';
import { LaneRow } from './lane-row';
import type { OptimizerLane } from './optimizer-lane';

interface LaneListProps<Lane extends OptimizerLane> {
  lanes: Lane[];
  onChange: (lanes: Lane[]) => void;
  /** A new lane after `last` (the usual next step is "same optimizer, other rate"). */
  makeLane: (last: Lane | undefined, usedColours: string[]) => Lane;
  /** The lab's own fields for one lane. */
  extra?: (lane: Lane, index: number, change: (lane: Lane) => void) => ReactNode;
  /** What every lane shares, for the panel's tooltip. */
  title?: string;
}

/** The optimizers to race: every lane starts from the same point with the same seed. */
export function LaneList<Lane extends OptimizerLane>({ lanes, onChange, makeLane, extra, title }: LaneListProps<Lane>) {
  const add = () => onChange([...lanes, makeLane(lanes[lanes.length - 1], lanes.map((l) => l.colour))]);
  return (
    <section className="panel" title={title}>
      <div className="panel-title-row">
        <h2>Lanes</h2>
        <button type="button" onClick={add} disabled={lanes.length >= LIMITS.maxLanes} data-testid="add-lane">
          + Add lane
        </button>
      </div>
      <ol className="lane-list">
        {lanes.map((lane, i) => {
          const change = (next: Lane) => onChange(lanes.map((l) => (l.id === lane.id ? next : l)));
          return (
            <LaneRow key={lane.id} lane={lane} index={i} canRemove={lanes.length > 1} onChange={change} onRemove={() => onChange(lanes.filter((l) => l.id !== lane.id))}>
              {extra?.(lane, i, change)}
            </LaneRow>
          );
        })}
      </ol>
    </section>
  );
}
