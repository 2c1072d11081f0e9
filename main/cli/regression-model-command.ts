/**
 * `descent regression --model "EXPR"`: fits a model of your own, y ≈ f(x; a, b, …), by mean
 * squared error with autodiff; every name but x is a parameter (`--init NAME=VALUE` starts it;
 * 1 otherwise). Prints the fitted parameters and their MSE and, where the model is linear in its
 * parameters, the exact least-squares answer beside them.
 */
import type { Dataset } from '../protocol/messages';
import type { OptimizerName } from '../protocol/optimizers';
import { LIMITS } from '../protocol/limits';
import { DEFAULT_PARAMETER_START } from '../protocol/regression-model';
import { FormulaError } from '../engine/formula/formula';
import { RegressionModel } from '../engine/labs/regression-model';
import { decimal, UsageError } from './args';

export interface FitModelOptions {
  model: string;
  init: readonly string[];
  dataset: Dataset;
  data: Record<string, unknown>;
  optimizer: OptimizerName;
  params: Record<string, number>;
  iterations: number;
  seed: number;
  backend: string;
  json: boolean;
}


export async function fitModel(o: FitModelOptions): Promise<void> {
  let model: RegressionModel;
  try {
    model = await RegressionModel.create(o.model, o.dataset.x, o.dataset.y);
  } catch (e) {
    if (e instanceof FormulaError) throw new UsageError(e.message);
    throw e;
  }
  const named = (values: ArrayLike<number>) => Object.fromEntries(model.parameters.map((p, k) => [p, values[k]!]));
  try {
    const start = model.parameters.map(() => DEFAULT_PARAMETER_START);
    for (const item of o.init) {
      const m = /^([^=]+)=(.+)$/.exec(item);
      if (!m) throw new UsageError(`--init must look like NAME=VALUE, got "${item}"`);
      const k = model.parameters.indexOf(m[1]!);
      if (k < 0) throw new UsageError(`--init ${m[1]}: the model has no parameter "${m[1]}" (it has ${model.parameters.join(', ')})`);
      start[k] = decimal(m[2], `--init ${m[1]}`, -LIMITS.maxAbsValue, LIMITS.maxAbsValue)!;
    }
    const lane = model.createLane({ id: 'cli', optimizer: o.optimizer, params: o.params }, start, o.seed);
    const loss = new Float64Array(o.iterations + 1);
    loss[0] = lane.current.loss;
    const t0 = performance.now();
    let ran = 0;
    for (; ran < o.iterations && lane.status === 'running'; ran++) loss[ran + 1] = lane.step().loss;
    const elapsedMs = performance.now() - t0;
    const final = { values: named(lane.current.values), mse: lane.current.loss };
    const exact = model.exact ? { values: named(model.exact.values), mse: model.exact.mse } : null;
    const result = {
      lab: 'regression',
      backend: o.backend,
      data: o.data,
      model: model.formula.text,
      parameters: model.parameters,
      linear: model.linear,
      optimizer: o.optimizer,
      params: o.params,
      start: named(start),
      iterations: ran,
      status: lane.status === 'running' ? 'done' : lane.status,
      final,
      exact,
      exactNote: model.exactNote,
      relativeGap: exact ? (final.mse - exact.mse) / exact.mse : null,
      itersPerSecond: ran / (elapsedMs / 1000),
      loss: Array.from(loss.subarray(0, ran + 1)),
    };
    lane.dispose();
    if (o.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return;
    }
    const f = (v: number) => v.toPrecision(6);
    const list = (v: Record<string, number>) => Object.entries(v).map(([k, x]) => `${k} ${f(x)}`).join(', ');
    console.log(`backend ${o.backend}, ${o.dataset.x.length} rows, y ≈ ${result.model}, ${o.optimizer}, ${ran} iterations at ${result.itersPerSecond.toFixed(0)} it/s${result.status === 'diverged' ? ' (diverged)' : ''}`);
    console.log(`descent: ${list(final.values)}, MSE ${f(final.mse)}`);
    if (exact) console.log(`exact:   ${list(exact.values)}, MSE ${f(exact.mse)}`);
    else console.log(`exact:   none (${model.exactNote === 'nonlinear' ? 'the model is not linear in its parameters' : model.exactNote === 'too large' ? 'too many rows × parameters to solve here' : 'its parameters are not identifiable from this data'})`);
  } finally {
    model.dispose();
  }
}
