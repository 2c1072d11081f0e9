/**
 * A sweep's problem for each lab that has one, built from the lab's own problem settings, so
 * the CLI and the engine's sweep request make sweeps the same way.
 */
import type { RegressionProblem } from '../../protocol/messages';
import type { OptimizerName } from '../../protocol/optimizers';
import type { SurfaceFunction, SurfacePoint } from '../../protocol/surface';
import { RegressionLab } from '../labs/regression';
import { SurfaceLab } from '../labs/surface';
import { regressionSweepProblem } from './regression-sweep';
import { surfaceSweepProblem } from './surface-sweep';
import type { SweepProblem } from './sweep';

export type SweepLabProblem = { lab: 'surface'; fn: SurfaceFunction; start: SurfacePoint } | { lab: 'regression'; problem: RegressionProblem; seed: number };

/** The problem (a bad formula throws the compiler's FormulaError); dispose() frees it and its lab. */
export async function createSweepProblem(spec: SweepLabProblem, optimizer: OptimizerName, params: Record<string, number>): Promise<SweepProblem> {
  if (spec.lab === 'surface') {
    const lab = await SurfaceLab.create({ fn: spec.fn, start: spec.start });
    const problem = surfaceSweepProblem(lab);
    return { ...problem, dispose: () => (problem.dispose(), lab.dispose()) };
  }
  const lab = new RegressionLab(spec.problem);
  const problem = regressionSweepProblem(lab, optimizer, params, spec.seed);
  return { ...problem, dispose: () => (problem.dispose(), lab.dispose()) };
}
