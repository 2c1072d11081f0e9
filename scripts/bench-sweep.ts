/**
 * `npm run bench`, sweeps: a 20×20 Adam sweep (learning rate on a log range × beta1) of 1,000
 * steps on Rosenbrock and on the regression data (150 points a cell), every cell in one
 * batched computation, per backend: cell-steps per second, the whole sweep's seconds and the
 * kernels one batched step dispatches. (The reference: PyTorch doing the same Rosenbrock
 * sweep batched on 2 threads, ≈ 3 million cell-steps/s, 0.13 s.)
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { parseCsvDataset } from '../main/engine/csv-dataset';
import { defaultDatasetPath } from '../main/engine/default-data';
import { createSweepProblem, type SweepLabProblem } from '../main/engine/tune/sweep-labs';
import { runSweep } from '../main/engine/tune/sweep';
import type { SweepGridSpec } from '../main/protocol/sweep';
import { availableBackends } from './bench-backends';

const GRID: SweepGridSpec = {
  optimizer: 'adam',
  params: {},
  axes: [
    { name: 'learningRate', lo: 1e-4, hi: 0.1, log: true, cells: 20 },
    { name: 'beta1', lo: 0.5, hi: 0.99, log: false, cells: 20 },
  ],
};

async function sweepRate(spec: SweepLabProblem): Promise<{ cellStepsPerSecond: number; seconds: number; kernels: number }> {
  const problem = await createSweepProblem(spec, GRID.optimizer, GRID.params);
  await runSweep(problem, GRID, { iterations: 100 }); // warm-up: kernels, JIT
  const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let kernels = 0;
  engine.runKernel = (...a: unknown[]) => (kernels++, runKernel.apply(engine, a));
  await runSweep(problem, GRID, { iterations: 10 });
  engine.runKernel = runKernel;
  const before = tf.memory().numTensors;
  const result = (await runSweep(problem, GRID, { iterations: 1000 }))!;
  if (tf.memory().numTensors !== before) throw new Error('tensor count grew during the benchmark');
  problem.dispose();
  return { cellStepsPerSecond: result.cellStepsPerSecond, seconds: result.seconds, kernels: kernels / 10 };
}

export async function benchSweep(): Promise<void> {
  const dataset = parseCsvDataset(readFileSync(defaultDatasetPath(), 'utf8'));
  const regression: SweepLabProblem = { lab: 'regression', problem: { x: dataset.x, y: dataset.y, normalize: true, initSlope: 0, initIntercept: 0 }, seed: 1 };
  console.log('sweeps, 20×20 Adam cells × 1,000 steps in one batched computation: cell-steps/s (higher is better), the sweep\u2019s seconds; kernels a step in brackets');
  for await (const name of availableBackends()) {
    const surface = await sweepRate({ lab: 'surface', fn: { kind: 'preset', preset: 'rosenbrock' }, start: { x: -1.2, y: 1 } });
    const line = await sweepRate(regression);
    const f = (r: { cellStepsPerSecond: number; seconds: number; kernels: number }) =>
      `${Math.round(r.cellStepsPerSecond).toLocaleString('en-US').padStart(10)} cell-steps/s, ${r.seconds.toFixed(2)} s (${r.kernels})`;
    console.log(`  ${name.padEnd(10)} rosenbrock ${f(surface)} | regression, 150 points a cell ${f(line)}`);
  }
}
