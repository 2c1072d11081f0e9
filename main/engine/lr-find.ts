/**
 * The learning-rate range test in the engine: one lane of a run's config, built as the run
 * would build it, steps from the lab's start at exponentially growing rates (LR_FINDER) and
 * the loss is recorded after each step, until the rates run out or the loss blows up. The
 * Adversarial lab has none: its step is a budget, not a rate.
 */
import type { RegressionRunConfig, SpreadRunConfig, SurfaceRunConfig } from '../protocol/messages';
import { LR_FINDER, blownUp, finderRates, suggestLearningRate } from '../protocol/lr-finder';
import { isLineModel, LINE_MODEL } from '../protocol/regression-model';
import { RegressionLab } from './labs/regression';
import { RegressionModel } from './labs/regression-model';
import { modelStart } from './labs/regression-model-driver';
import { SpreadLab } from './labs/spread';
import { SurfaceLab } from './labs/surface';

export type FinderConfig = RegressionRunConfig | SpreadRunConfig | SurfaceRunConfig;

export interface FinderRange {
  minRate: number;
  maxRate: number;
  steps: number;
}

export interface FinderRun {
  learningRates: number[];
  losses: number[];
  /** The loss at the start, before the first step. */
  start: number;
  suggested: number | null;
}

/** A lane that can be stepped at given rates and read back. */
interface FinderLane {
  useRates(rateAt: (iteration: number) => number): void;
  /** One step; the loss after it. */
  step(): number;
  dispose(): void;
}

async function finderLane(config: FinderConfig, laneId: string): Promise<{ lane: FinderLane; start: number; dispose: () => void }> {
  const laneConfig = config.lanes.find((l) => l.id === laneId);
  if (!laneConfig) throw new RangeError(`the run has no lane "${laneId}"`);
  switch (config.lab) {
    case 'regression': {
      if (!isLineModel(config.problem.model ?? LINE_MODEL)) {
        const model = await RegressionModel.create(config.problem.model!, config.problem.x, config.problem.y);
        const lane = model.createLane(laneConfig, modelStart(model, config.problem.init), config.seed);
        return {
          lane: { useRates: (r) => lane.useRates(r), step: () => lane.step().loss, dispose: () => lane.dispose() },
          start: lane.current.loss,
          dispose: () => model.dispose(),
        };
      }
      const lab = new RegressionLab(config.problem);
      const lane = lab.createLane(laneConfig, config.seed);
      return {
        lane: { useRates: (r) => lane.useRates(r), step: () => lane.step().loss, dispose: () => lane.dispose() },
        start: lane.current.loss,
        dispose: () => lab.dispose(),
      };
    }
    case 'spread': {
      const { n, dim, init } = config.problem;
      const lab = new SpreadLab({ n, dim, init }, config.seed);
      const lane = lab.createLane(config.lanes.find((l) => l.id === laneId)!, config.seed);
      return {
        lane: { useRates: (r) => lane.useRates(r), step: () => lane.step().loss, dispose: () => lane.dispose() },
        start: lane.current.loss,
        dispose: () => lab.dispose(),
      };
    }
    case 'surface': {
      const lab = await SurfaceLab.create(config.problem);
      const lane = lab.createLane(laneConfig);
      lab.evaluate([lane]);
      const step = () => {
        lane.step();
        lab.evaluate([lane]);
        return lane.status === 'diverged' ? NaN : lane.current.f;
      };
      return { lane: { useRates: (r) => lane.useRates(r), step, dispose: () => lane.dispose() }, start: lane.current.f, dispose: () => lab.dispose() };
    }
  }
}

/** Runs the range test on lane `laneId` of `config`; every tensor it makes is freed. */
export async function findLearningRate(config: FinderConfig, laneId: string, range: FinderRange = LR_FINDER): Promise<FinderRun> {
  const rates = finderRates(range.minRate, range.maxRate, range.steps);
  const { lane, start, dispose } = await finderLane(config, laneId);
  const losses: number[] = [];
  try {
    lane.useRates((t) => rates[Math.min(t, rates.length - 1)]!);
    let lowest = start;
    for (let k = 0; k < rates.length; k++) {
      const loss = lane.step();
      losses.push(loss);
      if (blownUp(loss, lowest, start)) break;
      lowest = Math.min(lowest, loss);
    }
  } finally {
    lane.dispose();
    dispose();
  }
  return { learningRates: rates.slice(0, losses.length), losses, start, suggested: suggestLearningRate(rates, losses, start) };
}
