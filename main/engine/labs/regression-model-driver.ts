/**
 * The Regression lab's run of a model of your own (regression-model.ts): its lanes, their
 * (loss, parameters) histories and, with each frame, every lane's fitted curve sampled at the
 * x points runStarted names (the page never evaluates a formula). Also the engine's answer to
 * the page's check of a model as it is typed: parameters, exact fit, curves, a loss grid.
 */
import type { RegressionModelReply, RegressionRunConfig } from '../../protocol/messages';
import { leastSquares, moments, regressionStats } from '../../protocol/least-squares';
import { DEFAULT_PARAMETER_START, type ModelIntro } from '../../protocol/regression-model';
import type { SurfaceWindow } from '../../protocol/surface';
import type { LabDriver, LabFrame, LabStarted } from '../lab-driver';
import { RegressionModel, type ModelLane } from './regression-model';
import { SeriesLanes, type SeriesLane } from './series-lanes';

/**
 * Every parameter's start, in the model's order: `init`'s value by name, else 1. The page keeps
 * starts by name while the model is edited, so names the model lacks are passed over.
 */
export function modelStart(model: RegressionModel, init: Readonly<Record<string, number>> = {}): number[] {
  return model.parameters.map((p) => (Object.prototype.hasOwnProperty.call(init, p) ? init[p]! : DEFAULT_PARAMETER_START));
}

function intro(model: RegressionModel, xs: Float64Array): ModelIntro {
  return {
    model: model.formula.text,
    parameters: [...model.parameters],
    linear: model.linear,
    exact: model.exact,
    exactNote: model.exactNote,
    xs,
    exactCurve: model.exact ? model.curve(model.exact.values, xs) : null,
  };
}

/** A model lane as SeriesLanes records it: loss and p0, p1, … (the parameters in order). */
class RecordedLane implements SeriesLane<string> {
  private readonly record: Record<string, number> = {};

  constructor(readonly lane: ModelLane) {}

  get id(): string {
    return this.lane.id;
  }
  get status() {
    return this.lane.status;
  }
  set status(s) {
    this.lane.status = s;
  }
  get current(): Readonly<Record<string, number>> {
    const { loss, values } = this.lane.current;
    this.record.loss = loss;
    for (let k = 0; k < values.length; k++) this.record[`p${k}`] = values[k]!;
    return this.record;
  }
  step(): unknown {
    return this.lane.step();
  }
  dispose(): void {
    this.lane.dispose();
  }
}

export class RegressionModelDriver implements LabDriver {
  private readonly lanes: SeriesLanes<string, RecordedLane>;
  private readonly keys: string[];
  private readonly xs: Float64Array;

  private constructor(
    private readonly config: RegressionRunConfig,
    private readonly model: RegressionModel,
    start: number[],
  ) {
    this.keys = model.parameters.map((_, k) => `p${k}`);
    this.xs = model.curveXs();
    this.lanes = new SeriesLanes(['loss', ...this.keys], config.lanes.length, (i) => new RecordedLane(model.createLane(config.lanes[i]!, start, config.seed)));
  }

  /** Checks the model (a FormulaError says what and where) and the starts; the line's runs use RegressionDriver. */
  static async create(config: RegressionRunConfig): Promise<RegressionModelDriver> {
    const { x, y, model: text, init } = config.problem;
    const model = await RegressionModel.create(text!, x, y);
    try {
      return new RegressionModelDriver(config, model, modelStart(model, init));
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  createLanes(): void {
    this.lanes.create();
  }

  get laneCount(): number {
    return this.lanes.lanes.length;
  }

  stepLane(i: number): void {
    this.lanes.step(i);
  }

  settled(): boolean {
    return this.lanes.settled();
  }

  started(): LabStarted {
    const m = moments(this.config.problem.x, this.config.problem.y);
    return {
      lab: 'regression',
      exact: leastSquares(m),
      stats: regressionStats(m),
      lanes: this.lanes.lanes.map((lane, i) => ({ id: lane.id, optimizer: this.config.lanes[i]!.optimizer, params: lane.lane.params, label: lane.lane.label })),
      model: intro(this.model, this.xs),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return {
      lab: 'regression',
      lanes: this.lanes.lanes.map((_, i) => {
        const { id, from: f, status, ...series } = this.lanes.batch(i, from, to, runDone);
        const loss = series.loss!;
        const params = this.keys.map((k) => series[k]!);
        const last = params.map((p) => p[p.length - 1]!);
        const nan = () => new Float64Array(loss.length).fill(NaN);
        return {
          id,
          from: f,
          status,
          loss,
          slope: params[0] ?? nan(),
          intercept: params[1] ?? nan(),
          params,
          ...(loss.length > 0 ? { curve: this.model.curve(last, this.xs) } : {}),
        };
      }),
    };
  }

  disposeLanes(): void {
    this.lanes.dispose();
  }

  dispose(): void {
    this.lanes.dispose();
    this.model.dispose();
  }
}

/** The page's check of a model as it is typed: what a run of it would start from, or a FormulaError. */
export async function describeModel(req: {
  model: string;
  x: Float64Array;
  y: Float64Array;
  init?: Record<string, number>;
  grid?: { window: SurfaceWindow; resolution: number };
}): Promise<Omit<RegressionModelReply, 'type' | 'requestId'>> {
  const model = await RegressionModel.create(req.model, req.x, req.y);
  try {
    const xs = model.curveXs();
    const start = modelStart(model, req.init);
    return {
      ...intro(model, xs),
      start,
      startCurve: model.curve(start, xs),
      grid: req.grid && model.parameters.length === 2 ? model.lossGrid(req.grid.window, req.grid.resolution) : null,
    };
  } finally {
    model.dispose();
  }
}
