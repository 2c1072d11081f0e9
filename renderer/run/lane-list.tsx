import { useId, useRef, useState, type ReactNode } from 'react';
import { LIMITS } from '../../main/protocol/limits';
import type { LrFindReply } from '../../main/protocol/messages';
import { LaneRow } from './lane-row';
import { LrFinderPanel, type FinderState } from './lr-finder-panel';
import { optimizerLaneLabel, type OptimizerLane } from './optimizer-lane';

interface LaneListProps<Lane extends OptimizerLane> {
  lanes: Lane[];
  onChange: (lanes: Lane[]) => void;
  /** A new lane after `last` (the usual next step is "same optimizer, other rate"). */
  makeLane: (last: Lane | undefined, usedColours: string[]) => Lane;
  /** The lab's own fields for one lane. */
  extra?: (lane: Lane, index: number, change: (lane: Lane) => void) => ReactNode;
  /** What every lane shares, for the panel's tooltip. */
  title?: string;
  /** Runs the learning-rate finder on a lane as the lab would run it; null while it cannot (no data yet). */
  findRate?: ((lane: Lane) => Promise<LrFindReply>) | null;
}

const LANE_LIMIT_TEXT = `${LIMITS.maxLanes} lanes at most: remove one to add another.`;

/** "+ Add lane", and once the lanes are full, greyed out with the reason beside it (a title and a note it points to). */
export function AddLaneHeader({ title, count, onAdd }: { title: string; count: number; onAdd: () => void }) {
  const noteId = useId();
  const full = count >= LIMITS.maxLanes;
  return (
    <>
      <div className="panel-title-row">
        <h2>{title}</h2>
        <button type="button" onClick={onAdd} disabled={full} data-testid="add-lane" title={full ? LANE_LIMIT_TEXT : 'Add a lane'} aria-describedby={full ? noteId : undefined}>
          + Add lane
        </button>
      </div>
      {full && (
        <p className="muted small-text" id={noteId} data-testid="lane-limit">
          {LANE_LIMIT_TEXT}
        </p>
      )}
    </>
  );
}

/** The optimizers to race: every lane starts from the same point with the same seed. */
export function LaneList<Lane extends OptimizerLane>({ lanes, onChange, makeLane, extra, title, findRate }: LaneListProps<Lane>) {
  const add = () => onChange([...lanes, makeLane(lanes[lanes.length - 1], lanes.map((l) => l.colour))]);
  const [finder, setFinder] = useState<FinderState | null>(null);
  /** The test asked for last: an answer to an older one (the user closed it and asked again) is dropped. */
  const asked = useRef(0);
  const find = (lane: Lane, index: number) => {
    if (!findRate) return;
    const ask = ++asked.current;
    const base = { laneId: lane.id, label: `lane ${index + 1}, ${optimizerLaneLabel(lane)}` };
    setFinder({ ...base, status: 'running' });
    findRate(lane).then(
      (reply) => ask === asked.current && setFinder({ ...base, status: 'done', reply }),
      (e: Error) => ask === asked.current && setFinder({ ...base, status: 'failed', message: e.message }),
    );
  };
  const close = () => {
    asked.current++;
    setFinder(null);
  };
  const use = (rate: number) => {
    if (finder) onChange(lanes.map((l) => (l.id === finder.laneId ? { ...l, params: { ...l.params, learningRate: rate } } : l)));
    close();
  };
  return (
    <section className="panel" title={title}>
      <AddLaneHeader title="Lanes" count={lanes.length} onAdd={add} />
      <ol className="lane-list">
        {lanes.map((lane, i) => {
          const change = (next: Lane) => onChange(lanes.map((l) => (l.id === lane.id ? next : l)));
          return (
            <LaneRow
              key={lane.id}
              lane={lane}
              index={i}
              canRemove={lanes.length > 1}
              onChange={change}
              onRemove={() => onChange(lanes.filter((l) => l.id !== lane.id))}
              onFindRate={findRate ? () => find(lane, i) : undefined}
            >
              {extra?.(lane, i, change)}
            </LaneRow>
          );
        })}
      </ol>
      {finder && <LrFinderPanel state={finder} onUse={use} onClose={close} />}
    </section>
  );
}
