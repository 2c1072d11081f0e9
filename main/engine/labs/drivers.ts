/**
 * One driver factory per lab, keyed by LabName so a lab without one does not compile. Async,
 * because a lab may have to load something first (a model) before its lanes can be built.
 */
import type { LabName, RunConfig } from '../../protocol/messages';
import type { LabDriver } from '../lab-driver';
import { RegressionDriver } from './regression-driver';
import { SpreadDriver } from './spread-driver';

type DriverFactories = { [L in LabName]: (config: Extract<RunConfig, { lab: L }>) => Promise<LabDriver> };

const FACTORIES: DriverFactories = {
  regression: async (config) => new RegressionDriver(config),
  spread: async (config) => new SpreadDriver(config),
};

export function createDriver(config: RunConfig): Promise<LabDriver> {
  return (FACTORIES[config.lab] as (c: RunConfig) => Promise<LabDriver>)(config);
}
