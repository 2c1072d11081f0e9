/**
 * What a lab does with a sweep: a clicked cell joins the lanes (the last dropped when all 8 are
 * taken), a fair race replaces them with each optimizer at its best rate; either way the run
 * starts once the lab's settings hold the new lanes (its prepare() reads the settings as
 * rendered).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { LIMITS } from '../../main/protocol/limits';
import type { OptimizerName } from '../../main/protocol/optimizers';
import { makeOptimizerLane, type OptimizerLane } from '../run/optimizer-lane';
import type { FairRace } from './sweep-panel';

/** A lane of the lab from a cell's optimizer and settings (the Spread lab adds the swept loss). */
export type SweepLaneMaker<L extends OptimizerLane> = (optimizer: OptimizerName, usedColours: readonly string[], params: Record<string, number>) => L;

export function useSweepLanes<L extends OptimizerLane = OptimizerLane>(
  lanes: readonly L[],
  setLanes: (update: (lanes: readonly L[]) => L[]) => void,
  run: () => void,
  makeLane: SweepLaneMaker<L> = makeOptimizerLane as SweepLaneMaker<L>,
) {
  const [fairRace, setFairRace] = useState<FairRace | null>(null);
  const runWhenSet = useRef(false);
  useEffect(() => {
    if (!runWhenSet.current) return;
    runWhenSet.current = false;
    run();
  }, [lanes, run]);
  const raceCell = useCallback(
    (optimizer: OptimizerName, params: Record<string, number>) => {
      setFairRace(null);
      runWhenSet.current = true;
      setLanes((current) => {
        const kept = current.slice(0, LIMITS.maxLanes - 1);
        return [...kept, makeLane(optimizer, kept.map((l) => l.colour), params)];
      });
    },
    [setLanes, makeLane],
  );
  const raceFairly = useCallback(
    (race: FairRace) => {
      setFairRace(race);
      runWhenSet.current = true;
      setLanes(() => {
        const out: L[] = [];
        for (const l of race.lanes) out.push(makeLane(l.optimizer, out.map((x) => x.colour), l.params));
        return out;
      });
    },
    [setLanes, makeLane],
  );
  return { fairRace, clearFairRace: useCallback(() => setFairRace(null), []), raceCell, raceFairly };
}
