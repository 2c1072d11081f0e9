/**
 * A sweep's problem for each lab that has one, built from the lab's own problem settings, so
 * the CLI and the engine's sweep request make sweeps the same way.
 */
import type { BackendName, RegressionProblem } from '../../protocol/messages';
import { selectBackend } from '../backend';
import { resolveHyperParams, type OptimizerName } from '../../protocol/optimizers';
import type { SpreadLossSettings } from '../../protocol/spread';
import type { SurfaceFunction, SurfacePoint } from '../../protocol/surface';
import { RegressionLab } from '../labs/regression';
import { SpreadLab } from '../labs/spread';
import { SurfaceLab } from '../labs/surface';
import { regressionSweepProblem } from './regression-sweep';
import { spreadSweepProblem } from './spread-sweep';
import { surfaceSweepProblem } from './surface-sweep';
import type { SweepProblem } from './sweep';

export type SweepLabProblem =
  | { lab: 'surface'; fn: SurfaceFunction; start: SurfacePoint }
  | { lab: 'regression'; problem: RegressionProblem; seed: number }
  /** The lab's problem (N, D, a start set or the seed's), the loss the cells descend, and the seed (the start, SGD's rows). */
  | { lab: 'spread'; problem: { n: number; dim: number; init?: Float64Array }; loss: SpreadLossSettings; seed: number };

/**
 * The problem (a bad formula throws the compiler's FormulaError), with the grid's fixed
 * hyper-parameters (`given`; defaults fill the rest); dispose() frees it and its lab.
 */
export async function createSweepProblem(spec: SweepLabProblem, optimizer: OptimizerName, given: Record<string, number>): Promise<SweepProblem> {
  // The fixed settings as a lane resolves them: SGD's batch size is its default (16) unless
  // given, never the whole data set, so its cells draw what a lane from a cell draws.
  const params = resolveHyperParams(optimizer, given);
  if (spec.lab === 'surface') {
    const lab = await SurfaceLab.create({ fn: spec.fn, start: spec.start });
    const problem = surfaceSweepProblem(lab);
    return { ...problem, dispose: () => (problem.dispose(), lab.dispose()) };
  }
  if (spec.lab === 'spread') {
    const lab = new SpreadLab(spec.problem, spec.seed);
    try {
      const problem = spreadSweepProblem(lab, spec.loss, optimizer, params, spec.seed);
      return { ...problem, dispose: () => (problem.dispose(), lab.dispose()) };
    } catch (e) {
      lab.dispose();
      throw e;
    }
  }
  if (spec.problem.model !== undefined) throw new RangeError('a Regression sweep fits the line a*x + b: a sweep of a model is not built yet');
  const lab = new RegressionLab(spec.problem);
  const problem = regressionSweepProblem(lab, optimizer, params, spec.seed);
  return { ...problem, dispose: () => (problem.dispose(), lab.dispose()) };
}

/**
 * The backend a lab's sweep runs on, fastest first as `npm run bench` measured (2-core x64): a
 * Surface sweep is [2, 400] arrays a step, where the cpu backend's per-element JS loops and
 * fresh arrays cost more than wasm's dispatch (Rosenbrock, Adam, 26 kernels a step: wasm ≈ 2×
 * cpu); a Regression sweep is [150, 400] arrays a step, where wasm's SIMD kernels win (≈ 5×); a
 * Spread cell's pair matrices likewise.
 */
export const SWEEP_BACKEND_PREFERENCE: Record<SweepLabProblem['lab'], readonly BackendName[]> = {
  surface: ['tensorflow', 'wasm', 'cpu'],
  regression: ['tensorflow', 'wasm', 'cpu'],
  // As the lab's lanes: N² pair matrices a cell, where wasm's kernels win (README, "Backends").
  spread: ['tensorflow', 'wasm', 'cpu'],
};

/** Switches to the sweep's backend (or the forced one); returns its name. */
export async function useSweepBackend(lab: SweepLabProblem['lab'], forced: string | undefined = process.env.DESCENT_BACKEND): Promise<BackendName> {
  if (forced) return selectBackend(forced);
  for (const name of SWEEP_BACKEND_PREFERENCE[lab]) {
    try {
      return await selectBackend(name);
    } catch {
      // not available here: the next
    }
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}
