/**
 * Spread lab figures for `npm run bench`: Coulomb iterations per second at N = 200 and 1,000 in
 * 3-D and N = 500 in 32-D on every backend that loads here (the yardstick: a plain
 * PyTorch CPU step ran ≈ 840, 41 and 17 it/s on the 2-core machine), and the min-angle loss's
 * rate beside it. Prints figures; asserts nothing.
 *
 * `npx tsx scripts/bench-spread.ts --reference [--backend B]` instead runs the published-optimum
 * sweep: the Coulomb loss against every Thomson energy for N ≤ 32 and the softened min-angle
 * loss against every Tammes angle in the table (N ≤ 24), with restarts, and prints each gap.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../main/protocol/optimizers';
import type { SpreadLossName } from '../main/protocol/spread';
import { selectBackend } from '../main/engine/backend';
import { availableBackends } from './bench-backends';
import { SpreadLab } from '../main/engine/labs/spread';
import { publishedOptimum } from '../main/engine/labs/spread-reference';

function stepsPerSecond(n: number, dim: number, loss: SpreadLossName, optimizer: OptimizerName, seconds: number): number {
  const lab = new SpreadLab({ n, dim }, 1);
  const lane = lab.createLane({ id: 'bench', optimizer, params: { learningRate: 0.01 }, loss, s: 1, temperatureDeg: loss === 'min-angle' ? 1 : 0 }, 1);
  const warmUpMs = performance.now();
  while (performance.now() - warmUpMs < 300) lane.step(); // kernels, JIT, optimizer slots
  const before = tf.memory().numTensors;
  let iterations = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    lane.step();
    iterations++;
  }
  const rate = iterations / ((performance.now() - t0) / 1000);
  if (tf.memory().numTensors !== before) throw new Error('tensor count grew during the benchmark');
  lane.dispose();
  lab.dispose();
  return rate;
}

export async function benchSpread(): Promise<void> {
  console.log('spread, one lane, steps/s (higher is better); each step includes its metrics readback');
  const sizes = [
    [200, 3, 840],
    [1000, 3, 41],
    [500, 32, 17],
  ] as const;
  for await (const name of availableBackends()) {
    const coulomb = sizes.map(([n, dim, torch]) => {
      const adam = stepsPerSecond(n, dim, 'coulomb', 'adam', 2);
      const gd = stepsPerSecond(n, dim, 'coulomb', 'gd', 1);
      return `N=${n} ${dim}-D adam ${adam.toFixed(0).padStart(5)} gd ${gd.toFixed(0).padStart(5)} (PyTorch CPU ≈ ${torch})`;
    });
    console.log(`  ${name.padEnd(10)} coulomb: ${coulomb.join(' | ')}`);
    const angle = [[200, 3], [1000, 3]].map(([n, dim]) => `N=${n} ${dim}-D ${stepsPerSecond(n!, dim!, 'min-angle', 'adam', 1).toFixed(1).padStart(6)}`);
    console.log(`  ${name.padEnd(10)} min-angle (autodiff) adam: ${angle.join(' | ')}`);
  }
}

/** Best restart's float64 metrics after `iterations` Adam steps at 0.01 from `restarts` seeded starts. */
function bestOf(n: number, loss: SpreadLossName, restarts: number, iterations: number) {
  const lab = new SpreadLab({ n, dim: 3 }, 1, restarts);
  const lane = lab.createLane({ id: 'ref', optimizer: 'adam', params: { learningRate: 0.01 }, loss, s: 1, temperatureDeg: loss === 'min-angle' ? 1 : 0 }, 1);
  for (let i = 0; i < iterations; i++) lane.step();
  const { all, best: index } = lane.restartMetrics();
  const best = all[index]!;
  lane.dispose();
  lab.dispose();
  return { best, all };
}

async function referenceSweep(backend: string): Promise<void> {
  await selectBackend(backend);
  const t0 = performance.now();
  console.log(`Thomson: coulomb, adam lr 0.01, 4,000 steps, 8 restarts, backend ${backend}; energy in float64 from the float32 vectors`);
  let worstEnergy = 0;
  for (let n = 2; n <= 32; n++) {
    const published = publishedOptimum(n)!.thomsonEnergy!;
    const { best, all } = bestOf(n, 'coulomb', 8, 4000);
    const gap = (best.energy - published) / published;
    const hits = all.filter((m) => (m.energy - published) / published < 1e-6).length;
    worstEnergy = Math.max(worstEnergy, gap);
    console.log(`  N=${String(n).padStart(2)} ${best.energy.toFixed(9).padStart(14)} vs ${published.toFixed(9).padStart(14)}  relative gap ${gap.toExponential(1).padStart(8)}  restarts in the published minimum ${hits}/8`);
  }
  console.log(`  worst relative gap ${worstEnergy.toExponential(2)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);

  const t1 = performance.now();
  console.log('Tammes: min-angle softened from 1°, adam lr 0.01, both cooling ×0.998 per step, 4,000 steps, 16 restarts');
  let worstAngle = 0;
  for (let n = 2; publishedOptimum(n)?.tammesAngleDeg !== undefined; n++) {
    const published = publishedOptimum(n)!.tammesAngleDeg!;
    const { best, all } = bestOf(n, 'min-angle', 16, 4000);
    const gap = published - best.minAngleDeg;
    const hits = all.filter((m) => published - m.minAngleDeg < 0.05).length;
    worstAngle = Math.max(worstAngle, gap);
    console.log(`  N=${String(n).padStart(2)} ${best.minAngleDeg.toFixed(5).padStart(10)}° vs ${published.toFixed(5).padStart(10)}°  gap ${gap.toFixed(4).padStart(7)}°  restarts within 0.05° ${String(hits).padStart(2)}/16`);
  }
  console.log(`  worst gap ${worstAngle.toFixed(4)}° (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
}

// Run directly (tsx); bundled into dist/scripts/bench.js, only benchSpread() is used.
if (/bench-spread\.ts$/.test(process.argv[1] ?? '')) {
  const args = process.argv.slice(2);
  const backendAt = args.indexOf('--backend');
  const backend = backendAt >= 0 ? args[backendAt + 1]! : 'wasm';
  void (args.includes('--reference') ? referenceSweep(backend) : benchSpread());
}
