/**
 * The one optimizer registry shared by every lab: protocol names to tf.train factories, with
 * the hyper-parameters named as tfjs names them. `gd` and `sgd` are the same update; the lab
 * feeds `sgd` a seeded mini-batch (`batchSize`) instead of the full data.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaneStatus } from '../protocol/messages';
import { OPTIMIZER_SPECS, resolveHyperParams, type OptimizerName } from '../protocol/optimizers';
import { CONSTANT_SCHEDULE, learningRateAt, resolveSchedule, type Schedule } from '../protocol/schedules';

/**
 * tfjs 4.22's MomentumOptimizer.dispose() does not call SGDOptimizer.dispose(), so the kept
 * learning-rate scalar `c` leaks one tensor per optimizer; free it here.
 */
function momentum(learningRate: number, m: number, useNesterov: boolean): tf.Optimizer {
  const optimizer = tf.train.momentum(learningRate, m, useNesterov);
  const disposeOwn = optimizer.dispose.bind(optimizer);
  optimizer.dispose = () => {
    disposeOwn();
    (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
  };
  return optimizer;
}

type Factory = (p: Record<string, number>) => tf.Optimizer;
const num = (p: Record<string, number>, k: string): number => {
  const v = p[k];
  if (v === undefined) throw new Error(`missing ${k}`);
  return v;
};

const factories: Record<OptimizerName, Factory> = {
  gd: (p) => tf.train.sgd(num(p, 'learningRate')),
  sgd: (p) => tf.train.sgd(num(p, 'learningRate')),
  momentum: (p) => momentum(num(p, 'learningRate'), num(p, 'momentum'), false),
  nesterov: (p) => momentum(num(p, 'learningRate'), num(p, 'momentum'), true),
  adagrad: (p) => tf.train.adagrad(num(p, 'learningRate'), num(p, 'initialAccumulatorValue')),
  adadelta: (p) => tf.train.adadelta(num(p, 'learningRate'), num(p, 'rho'), num(p, 'epsilon')),
  rmsprop: (p) => tf.train.rmsprop(num(p, 'learningRate'), num(p, 'decay'), num(p, 'momentum'), num(p, 'epsilon')),
  adam: (p) => tf.train.adam(num(p, 'learningRate'), num(p, 'beta1'), num(p, 'beta2'), num(p, 'epsilon')),
  adamax: (p) =>
    tf.train.adamax(num(p, 'learningRate'), num(p, 'beta1'), num(p, 'beta2'), num(p, 'epsilon'), num(p, 'decay')),
};

/**
 * Sets a built optimizer's learning rate in place, keeping its state (moments, accumulators,
 * iteration count). In tfjs 4.22, SGD and Momentum (and so gd, sgd, momentum, nesterov) keep
 * −rate as a kept scalar `c`, which setLearningRate replaces (disposing the old one: the tensor
 * count stays flat); Adagrad, Adadelta, RMSprop, Adam and Adamax read the number field
 * `learningRate` on every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.setLearningRate) o.setLearningRate(rate);
  else o.learningRate = rate;
}

export interface BuiltOptimizer {
  optimizer: tf.Optimizer;
  /** Defaults filled in, as the lane actually runs. */
  params: Record<string, number>;
  /** The lane's learning-rate schedule, defaults filled in (constant when none was given). */
  schedule: Schedule;
  /**
   * Sets the optimizer's rate to the schedule's for step `iteration` (0 = the first step) and
   * returns it. The optimizer is touched only when the rate changes, so a constant schedule
   * steps exactly as an optimizer without one, and no tensor is made per step.
   */
  useRateOf(iteration: number): number;
  /** Replaces the schedule by any rate per step (the learning-rate finder's growing rates). */
  useRates(rateAt: (iteration: number) => number): void;
}

export function createOptimizer(name: OptimizerName, given: Readonly<Record<string, number>> = {}, schedule: Partial<Schedule> & Pick<Schedule, 'name'> = CONSTANT_SCHEDULE): BuiltOptimizer {
  const params = resolveHyperParams(name, given);
  const resolved = resolveSchedule(schedule);
  const optimizer = factories[name](params);
  const base = params.learningRate!;
  let current = base;
  let rateAt = (iteration: number) => learningRateAt(resolved, base, iteration);
  return {
    optimizer,
    params,
    schedule: resolved,
    useRates(rates) {
      rateAt = rates;
    },
    useRateOf(iteration) {
      const rate = rateAt(iteration);
      if (rate !== current) {
        setLearningRate(optimizer, rate);
        current = rate;
      }
      return rate;
    },
  };
}

/** What a lane that descends with a registry optimizer is given (every optimizer lab's lane config has these). */
export interface OptimizerLaneConfig {
  id: string;
  optimizer: OptimizerName;
  params?: Readonly<Record<string, number>>;
  schedule?: Partial<Schedule> & Pick<Schedule, 'name'>;
  label?: string;
}

/**
 * What every optimizer lab's lane shares: its id and label, the registry optimizer built from
 * its config with the settings it actually runs with, its status and steps taken, its state of
 * named numbers (the learning rate of its next step among them) and the learning-rate finder's
 * takeover of its rates. A lab's lane adds its parameters and its step.
 */
export abstract class OptimizerLane<S extends { learningRate: number }> {
  readonly id: string;
  readonly label: string;
  /** Hyper-parameters with defaults filled in, as the lane actually runs. */
  readonly params: Record<string, number>;
  status: LaneStatus = 'running';
  /** Steps taken. */
  iteration = 0;
  protected readonly built: BuiltOptimizer;
  protected readonly optimizer: tf.Optimizer;
  /** The lane's state after its last step; the subclass sets it in its constructor. */
  protected abstract state: S;

  /** `defaultSchedule` stands in where the config names none; the label defaults to the optimizer's. */
  protected constructor(config: OptimizerLaneConfig, defaultSchedule?: Schedule, label?: string) {
    this.id = config.id;
    this.built = createOptimizer(config.optimizer, config.params, config.schedule ?? defaultSchedule);
    this.optimizer = this.built.optimizer;
    this.params = this.built.params;
    this.label = config.label || label || OPTIMIZER_SPECS[config.optimizer].label;
  }

  get current(): Readonly<S> {
    return this.state;
  }

  /** The lane's learning-rate schedule, defaults filled in. */
  get schedule(): Schedule {
    return this.built.schedule;
  }

  /** Steps at these rates instead of the schedule's (the learning-rate finder). */
  useRates(rateAt: (iteration: number) => number): void {
    this.built.useRates(rateAt);
    this.state.learningRate = this.built.useRateOf(this.iteration);
  }

  /** Frees the optimizer's slots; a lane with tensors of its own frees them and calls this. */
  dispose(): void {
    this.optimizer.dispose();
  }
}
