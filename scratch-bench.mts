import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './main/engine/backend';
import { SurfaceLab } from './main/engine/labs/surface';
import { runSweep } from './main/engine/tune/sweep';
import { surfaceSweepProblem } from './main/engine/tune/surface-sweep';
for (const b of ['cpu', 'wasm']) {
await selectBackend(b);
const lab = await SurfaceLab.create({ fn: { kind: 'preset', preset: 'rosenbrock' }, start: { x: -1.2, y: 1 } });
const p = surfaceSweepProblem(lab);
const grid = { optimizer: 'adam' as const, params: {}, axes: [{ name: 'learningRate', lo: 1e-4, hi: 0.1, log: true, cells: 20 }, { name: 'beta1', lo: 0.5, hi: 0.99, log: false, cells: 20 }] };
await runSweep(p, grid, { iterations: 100 });
const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
const runKernel = engine.runKernel; let kernels = 0;
engine.runKernel = (...a: unknown[]) => (kernels++, runKernel.apply(engine, a));
await runSweep(p, grid, { iterations: 10 });
engine.runKernel = runKernel;
const r = await runSweep(p, grid, { iterations: 1000 });
console.log(b, 'kernels/step', kernels / 10, 'cell-steps/s', r!.cellStepsPerSecond.toFixed(0), 's', r!.seconds.toFixed(3), 'best', r!.cellParams[r!.best!], r!.finalLoss[r!.best!]);
lab.dispose();
}
