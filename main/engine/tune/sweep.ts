/**
 * A hyper-parameter sweep as one batched computation: every cell's parameters are a column of
 * one […, cells] variable (cells along the last axis: on the cpu backend a slice of a row is a
 * copy of contiguous memory, a slice of a column an index computation per value), the lab's gradient is one op chain over all of them (each row's own
 * gradient: the cells never interact), and a batched optimizer (batched-optimizer.ts) steps
 * every cell with its own hyper-parameters. A lab supplies a SweepProblem; runSweep does the
 * rest: the steps in chunks (yielding between them, so a cancel gets in), progress with the
 * loss so far (a partial heatmap), the loss per cell in float64 at the end, and the best cell.
 */
import * as tf from '@tensorflow/tfjs';
import { bestCell, checkSweepMemory, sweepAxisValues, sweepCells, type SweepGridSpec, type SweepResult } from '../../protocol/sweep';
import { createBatchedOptimizer } from './batched-optimizer';

/** What a lab gives a sweep. */
export interface SweepProblem {
  /** One cell's parameters' shape (the variable is [...cellShape, cells]). */
  readonly cellShape: readonly number[];
  /** float32s a cell's step holds at once (parameters, slots, gradient, the op chain's temporaries): the memory check. */
  readonly floatsPerCell: number;
  /** Every cell's start, [...cellShape, cells] (the same start for all). */
  start(cells: number): tf.Tensor;
  /** Each cell's own gradient at `params`, [...cellShape, cells]. Called inside a tidy. */
  gradient(params: tf.Variable): tf.Tensor;
  /** After every step, in its own tidy: puts the parameters back on the problem's domain (the Spread lab's unit vectors). */
  project?(params: tf.Variable): void;
  /** Each cell's loss in float64 from the parameters as read back ([...cellShape, cells], row-major). */
  losses(values: Float32Array, cells: number): Float64Array;
  /** Frees what the problem made for the sweep (not the lab). */
  dispose(): void;
}

export interface SweepOptions {
  iterations: number;
  /** Records, per cell, the first iteration whose loss is at or under it (a loss read every step). */
  tolerance?: number;
  /** Called about every `progressMs` with the iterations done and the loss so far (row-major). */
  onProgress?: (done: number, lossSoFar: Float64Array) => void;
  progressMs?: number;
  /** Polled between chunks; true ends the sweep early (runSweep then returns undefined). */
  cancelled?: () => boolean;
  /** Receives the final parameters as read back, [...cellShape, cells] row-major (tests compare them with single lanes). */
  finalParams?: (values: Float32Array) => void;
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The grid's axes and cells, checked (a RangeError names the first bad axis, value or the memory limit). */
export function planSweep(problem: Pick<SweepProblem, 'floatsPerCell'>, grid: SweepGridSpec): { cells: Record<string, number>[]; axes: SweepResult['axes'] } {
  const cells = sweepCells(grid);
  checkSweepMemory(cells.length, problem.floatsPerCell);
  return { cells, axes: grid.axes.map((a) => ({ name: a.name, log: a.log, values: sweepAxisValues(a) })) };
}

export async function runSweep(problem: SweepProblem, grid: SweepGridSpec, options: SweepOptions): Promise<SweepResult | undefined> {
  const { cells, axes } = planSweep(problem, grid);
  const n = cells.length;
  const { iterations, tolerance } = options;
  const progressMs = options.progressMs ?? 100;
  const variable = tf.tidy(() => tf.variable(problem.start(n), true));
  const optimizer = createBatchedOptimizer(grid.optimizer, cells, variable);
  const reached = tolerance === undefined ? undefined : new Int32Array(n).fill(-1);
  const note = (iteration: number): Float64Array => {
    const loss = problem.losses(variable.dataSync() as Float32Array, n);
    if (reached) for (let i = 0; i < n; i++) if (reached[i]! < 0 && loss[i]! <= tolerance!) reached[i] = iteration;
    return loss;
  };
  try {
    if (reached) note(0);
    let done = 0;
    let stepMs = 0;
    let lastProgress = performance.now();
    while (done < iterations) {
      if (options.cancelled?.()) return undefined;
      const chunkStart = performance.now();
      // Steps until the chunk has run ~20 ms (or the sweep is done), then a yield.
      do {
        const g = tf.tidy(() => problem.gradient(variable));
        optimizer.apply(g);
        g.dispose();
        problem.project?.(variable);
        done++;
        if (reached) note(done);
      } while (done < iterations && performance.now() - chunkStart < 20);
      stepMs += performance.now() - chunkStart;
      if (options.onProgress && done < iterations && performance.now() - lastProgress >= progressMs) {
        options.onProgress(done, note(done));
        lastProgress = performance.now();
      }
      if (done < iterations) await yieldToEvents();
    }
    const values = variable.dataSync() as Float32Array;
    options.finalParams?.(values.slice());
    const finalLoss = problem.losses(values, n);
    return {
      optimizer: grid.optimizer,
      axes,
      finalLoss,
      ...(reached ? { itersToTolerance: reached } : {}),
      cellParams: cells,
      best: bestCell(finalLoss),
      iterations,
      cellStepsPerSecond: (n * iterations) / (stepMs / 1000),
      seconds: stepMs / 1000,
    };
  } finally {
    optimizer.dispose();
    variable.dispose();
  }
}
