/**
 * `npm run bench`, Surface lab: steps per second of one lane and of eight lanes (every lane's
 * point evaluated in one batched op chain, each stepping with its own optimizer), on Rosenbrock
 * and Beale, per backend; and the kernels one step dispatches, which is what a step of a dozen
 * ops on two numbers costs.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaneConfig, SurfaceRunConfig } from '../main/protocol/messages';
import type { SurfacePresetName } from '../main/protocol/surface';
import { SurfaceDriver } from '../main/engine/labs/surface-driver';
import { availableBackends } from './bench-backends';

const EIGHT: Omit<LaneConfig, 'id'>[] = [
  { optimizer: 'gd', params: { learningRate: 1e-4 } },
  { optimizer: 'momentum', params: { learningRate: 1e-4 } },
  { optimizer: 'nesterov', params: { learningRate: 1e-4 } },
  { optimizer: 'adagrad', params: { learningRate: 1e-3 } },
  { optimizer: 'adadelta', params: { learningRate: 1e-3 } },
  { optimizer: 'rmsprop', params: { learningRate: 1e-4 } },
  { optimizer: 'adam', params: { learningRate: 1e-3 } },
  { optimizer: 'adamax', params: { learningRate: 1e-3 } },
];

async function rate(preset: SurfacePresetName, lanes: Omit<LaneConfig, 'id'>[], seconds: number): Promise<{ itersPerSecond: number; kernels: number }> {
  const config: SurfaceRunConfig = {
    lab: 'surface',
    problem: { fn: { kind: 'preset', preset }, start: { x: -1.2, y: 1 } },
    lanes: lanes.map((l, i) => ({ ...l, id: `l${i}` })),
    maxIterations: 1_000_000,
    itersPerSecond: 0,
    seed: 1,
  };
  const driver = await SurfaceDriver.create(config);
  driver.createLanes();
  const step = () => {
    for (let i = 0; i < driver.laneCount; i++) driver.stepLane(i);
  };
  for (let k = 0; k < 300; k++) step(); // warm-up: kernels, JIT
  const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let kernels = 0;
  engine.runKernel = (...a: unknown[]) => (kernels++, runKernel.apply(engine, a));
  step();
  engine.runKernel = runKernel;
  const before = tf.memory().numTensors;
  let iterations = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let k = 0; k < 50; k++) step();
    iterations += 50;
  }
  const itersPerSecond = iterations / ((performance.now() - t0) / 1000);
  if (tf.memory().numTensors !== before) throw new Error('tensor count grew during the benchmark');
  driver.dispose();
  return { itersPerSecond, kernels };
}

export async function benchSurface(): Promise<void> {
  console.log('surface, steps/s (higher is better); kernels dispatched per step in brackets');
  for await (const name of availableBackends()) {
    for (const preset of ['rosenbrock', 'beale'] as const) {
      const one = await rate(preset, [{ optimizer: 'adam', params: { learningRate: 1e-3 } }], 2);
      const eight = await rate(preset, EIGHT, 3);
      console.log(
        `  ${name.padEnd(10)} ${preset.padEnd(10)} 1 lane adam ${one.itersPerSecond.toFixed(0).padStart(6)} it/s (${one.kernels}) | 8 lanes ${eight.itersPerSecond.toFixed(0).padStart(6)} it/s (${eight.kernels}): 8 lanes cost ${(one.itersPerSecond / eight.itersPerSecond).toFixed(2)}× one`,
      );
    }
  }
}
