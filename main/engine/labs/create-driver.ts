/**
 * One driver factory per lab, keyed by LabName so a lab without one does not compile. Async,
 * because a lab may have to load something first (a model) before its lanes can be built.
 */
import type { LabName, RunConfig } from '../../protocol/messages';
import type { LabDriver } from '../lab-driver';
import { AdversarialDriver } from './adversarial-driver';
import type { AdversarialModels } from './adversarial-models';
import { RegressionDriver } from './regression-driver';
import { RegressionModelDriver } from './regression-model-driver';
import { isLineModel } from '../../protocol/regression-model';
import { SpreadDriver } from './spread-driver';
import { SurfaceDriver } from './surface-driver';

/** What the engine keeps across runs that a lab's driver may need. */
export interface DriverContext {
  models: () => AdversarialModels;
}

type DriverFactories = { [L in LabName]: (config: Extract<RunConfig, { lab: L }>, context: DriverContext) => Promise<LabDriver> };

const FACTORIES: DriverFactories = {
  // The line (no model, or the default `a*x + b`) keeps its own path: exact loss from moments, normalise.
  regression: async (config) => (config.problem.model === undefined || isLineModel(config.problem.model) ? new RegressionDriver(config) : RegressionModelDriver.create(config)),
  spread: async (config) => new SpreadDriver(config),
  adversarial: (config, context) => AdversarialDriver.create(config, context.models()),
  surface: (config) => SurfaceDriver.create(config),
};

export function createDriver(config: RunConfig, context: DriverContext): Promise<LabDriver> {
  return (FACTORIES[config.lab] as (c: RunConfig, x: DriverContext) => Promise<LabDriver>)(config, context);
}
