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
import type { LabFrame, LabStarted } from '../lab-driver';
import type { Schedule } from '../../protocol/schedules';
import { RegressionModel, type ModelLane } from './regression-model';
import { SeriesLanes, SeriesLanesDriver, type SeriesLane } from './series-lanes';

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

/** A model lane as SeriesLanes records it: loss, the rate of the next step and p0, p1, … (the parameters in order). */
class RecordedLane implements SeriesLane<string> {
  private readonly record: Record<string, number> = {};

  constructor(readonly lane: ModelLane) {}

  get id(): string {
    return this.lane.id;
  }
  get label(): string {
    return this.lane.label;
  }
  get params(): Record<string, number> {
    return this.lane.params;
  }
  get schedule(): Schedule {
    return this.lane.schedule;
  }
  get status() {
    return this.lane.status;
  }
  set status(s) {
    this.lane.status = s;
  }
  get current(): Readonly<Record<string, number>> {
    const { loss, values, learningRate } = this.lane.current;
    this.record.loss = loss;
    this.record.learningRate = learningRate;
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

export class RegressionModelDriver extends SeriesLanesDriver<string, RecordedLane, RegressionModel> {
  private readonly keys: string[];
  private readonly xs: Float64Array;

  private constructor(
    private readonly config: RegressionRunConfig,
    model: RegressionModel,
    start: number[],
  ) {
    const keys = model.parameters.map((_, k) => `p${k}`);
    super(
      model,
      new SeriesLanes(['loss', 'learningRate', ...keys], config.lanes.length, (i) => new RecordedLane(model.createLane(config.lanes[i]!, start, config.seed))),
      config.lanes.map((l) => l.optimizer),
    );
    this.keys = keys;
    this.xs = model.curveXs();
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

  started(): LabStarted {
    const m = moments(this.config.problem.x, this.config.problem.y);
    return {
      lab: 'regression',
      exact: leastSquares(m),
      stats: regressionStats(m),
      lanes: this.laneIntros(),
      model: intro(this.lab, this.xs),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return {
      lab: 'regression',
      lanes: this.batches(from, to, runDone).map(({ id, from: f, status, ...series }) => {
        const loss = series.loss!;
        const params = this.keys.map((k) => series[k]!);
        const last = params.map((p) => p[p.length - 1]!);
        const nan = () => new Float64Array(loss.length).fill(NaN);
        return {
          id,
          from: f,
          status,
          loss,
          learningRate: series.learningRate!,
          slope: params[0] ?? nan(),
          intercept: params[1] ?? nan(),
          params,
          ...(loss.length > 0 ? { curve: this.lab.curve(last, this.xs) } : {}),
        };
      }),
    };
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
