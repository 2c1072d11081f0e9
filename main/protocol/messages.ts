/**
 * Every message between the renderer and the engine. Requests into the engine are validated
 * by `parseRequest` (zod schemas below) wherever they cross a process boundary: Electron main,
 * the headless server and the engine host all call it. Bulk numbers travel as typed arrays.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import type { OptimizerName } from './optimizers';
import type { Schedule } from './schedules';
import type { BackendName } from './limits';
import type { SpreadLossName } from './spread';
import { bounded, checkHyperParams, float64Array, id, inRange, lanesOf, optimizerLaneFields, runFields } from './schema-parts';
import { spreadRunSchema } from './spread-schema';
import { adversarialRequestSchemas, adversarialRunSchema } from './adversarial-schema';
import { surfaceGridRequestSchema, surfaceProbeRequestSchema, surfaceRunSchema, surfaceWindowSchema } from './surface-schema';
import { sweepRequestSchema } from './sweep-schema';
import type { SweepResult } from './sweep';
import { SURFACE_LIMITS } from './surface';
import { MODEL_GRID_MAX, MODEL_GRID_MIN, type ModelGrid, type ModelIntro } from './regression-model';
import type { KnownMinimum, SurfaceFunction, SurfacePoint, SurfaceWindow } from './surface';
import type { AttackSpec, Classification, CropRect, ModelDownloadProgress, StepReport } from './adversarial';

export { BACKEND_NAMES, LAB_NAMES, LIMITS, type BackendName, type LabName } from './limits';

const MAX_ABS_VALUE = LIMITS.maxAbsValue;

export const laneConfigSchema = z.object(optimizerLaneFields).superRefine(checkHyperParams);
export type LaneConfig = z.infer<typeof laneConfigSchema> & { optimizer: OptimizerName };

/**
 * A model of your own instead of the line (checked in full by the engine's formula compiler,
 * which says what and where) and its parameters' starts by name (1 where not named).
 */
const modelFields = {
  model: z.string().max(SURFACE_LIMITS.maxFormulaLength, `the model is longer than ${SURFACE_LIMITS.maxFormulaLength} characters`).optional(),
  init: z
    .record(z.string().max(64), bounded)
    .refine((r) => Object.keys(r).length <= 16, 'at most 16 starting values')
    .optional(),
};

export const regressionProblemSchema = z
  .object({
    x: float64Array,
    y: float64Array,
    normalize: z.boolean(),
    initSlope: bounded,
    initIntercept: bounded,
    ...modelFields,
  })
  .refine((p) => p.x.length === p.y.length, 'x and y must have the same length')
  .refine((p) => p.x.length >= 2 && p.x.length <= LIMITS.maxPoints, `need 2 to ${LIMITS.maxPoints} points`)
  .refine((p) => p.x.every(inRange) && p.y.every(inRange), `data must be finite numbers within ±${MAX_ABS_VALUE}`);
export type RegressionProblem = z.infer<typeof regressionProblemSchema>;

export const regressionRunSchema = z.object({
  lab: z.literal('regression'),
  problem: regressionProblemSchema,
  lanes: lanesOf(laneConfigSchema),
  ...runFields,
});

/** A run of any lab, told apart by `lab`. */
export const runConfigSchema = z.discriminatedUnion('lab', [regressionRunSchema, spreadRunSchema, adversarialRunSchema, surfaceRunSchema]);
export type RegressionRunConfig = z.infer<typeof regressionRunSchema>;
export type SpreadRunConfig = z.infer<typeof spreadRunSchema>;
export type SpreadLaneConfig = SpreadRunConfig['lanes'][number];
export type AdversarialRunConfig = z.infer<typeof adversarialRunSchema>;
export type AttackLaneConfig = AdversarialRunConfig['lanes'][number];
export type SurfaceRunConfig = z.infer<typeof surfaceRunSchema> & { problem: { fn: SurfaceFunction } };
export type RunConfig = RegressionRunConfig | SpreadRunConfig | AdversarialRunConfig | SurfaceRunConfig;

export const CONTROL_ACTIONS = ['pause', 'resume', 'step', 'stop', 'reset'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

export const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello') }),
  z.object({
    type: z.literal('parseCsv'),
    requestId: id,
    name: z.string().max(260),
    text: z.string().max(LIMITS.maxCsvBytes, `file too large (over ${LIMITS.maxCsvBytes / 1024 / 1024} MiB)`),
    xColumn: z.string().max(200).optional(),
    yColumn: z.string().max(200).optional(),
  }),
  z.object({ type: z.literal('defaultDataset'), requestId: id }),
  /** A file of start vectors for the spread lab: CSV rows or a JSON array of arrays. */
  z.object({
    type: z.literal('parseVectors'),
    requestId: id,
    name: z.string().max(260),
    text: z.string().max(LIMITS.maxCsvBytes, `file too large (over ${LIMITS.maxCsvBytes / 1024 / 1024} MiB)`),
  }),
  z.object({ type: z.literal('start'), runId: id, config: runConfigSchema }),
  z.object({ type: z.literal('control'), runId: id, action: z.enum(CONTROL_ACTIONS) }),
  z.object({ type: z.literal('setSpeed'), runId: id, itersPerSecond: z.number().min(0).max(LIMITS.maxItersPerSecond) }),
  ...adversarialRequestSchemas,
  surfaceGridRequestSchema,
  surfaceProbeRequestSchema,
  sweepRequestSchema(regressionProblemSchema),
  /** A Regression model checked over the data: its parameters, exact fit and curves (and a two-parameter model's loss grid). */
  z
    .object({
      type: z.literal('regressionModel'),
      requestId: id,
      x: float64Array,
      y: float64Array,
      ...modelFields,
      model: modelFields.model.unwrap(),
      grid: z.object({ window: surfaceWindowSchema, resolution: z.number().int().min(MODEL_GRID_MIN).max(MODEL_GRID_MAX) }).optional(),
    })
    .refine((p) => p.x.length === p.y.length && p.x.length >= 2 && p.x.length <= LIMITS.maxPoints, `x and y must have the same length, 2 to ${LIMITS.maxPoints}`)
    .refine((p) => p.x.every(inRange) && p.y.every(inRange), `data must be finite numbers within ±${MAX_ABS_VALUE}`),
  /**
   * The learning-rate range test on one lane of a run's config (protocol/lr-finder.ts); not
   * for the Adversarial lab, whose step is a budget.
   */
  z.object({
    type: z.literal('lrFind'),
    requestId: id,
    config: z.discriminatedUnion('lab', [regressionRunSchema, spreadRunSchema, surfaceRunSchema]),
    laneId: id,
  }),
]);
export type EngineRequest = z.infer<typeof requestSchema>;

export interface ErrorInfo {
  name: string;
  message: string;
}

/** A parsed CSV, ready to plot and to run on. */
export interface Dataset {
  name: string;
  columns: string[];
  numericColumns: string[];
  xColumn: string;
  yColumn: string;
  hasHeader: boolean;
  delimiter: string;
  x: Float64Array;
  y: Float64Array;
  /** Rows skipped because x or y did not parse, with 1-based line numbers. */
  skipped: { line: number; reason: string }[];
  skippedCount: number;
  totalRows: number;
}

export interface LeastSquares {
  slope: number;
  intercept: number;
  mse: number;
}

/** Sufficient statistics: MSE(a, b) = syy - 2a·sxy - 2b·sy + a²·sxx + 2ab·sx + b² (all means). */
export interface RegressionStats {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  syy: number;
}

export type LaneStatus = 'running' | 'done' | 'diverged';
export type RunStatus = 'running' | 'paused' | 'done' | 'stopped';

/** What every lab says about a lane when its run starts: the engine's word on its settings. */
export interface LaneIntro {
  id: string;
  label: string;
}

/** A lane that descends with an optimizer (regression, spread). */
export interface OptimizerLaneIntro extends LaneIntro {
  optimizer: OptimizerName;
  /** Hyper-parameters with defaults filled in, as the lane actually runs. */
  params: Record<string, number>;
  /** Its learning-rate schedule, defaults filled in (constant when none was asked for). */
  schedule: Schedule;
}

/** Per-lane history since the last frame; every lab's batch has these. */
interface LaneBatchBase {
  id: string;
  /** Iteration number of the first entry in the series (iteration 0 = the start). */
  from: number;
  status: LaneStatus;
}

/**
 * What every optimizer lane's batch carries: entry k is the learning rate of the step from
 * iteration k (learningRateAt of its schedule at k), the rate the optimizer was set to.
 */
interface OptimizerLaneBatch extends LaneBatchBase {
  learningRate: Float64Array;
}

export interface RegressionLaneBatch extends OptimizerLaneBatch {
  loss: Float64Array;
  /** The line's slope and intercept; for a model of your own, its first and second parameters (NaN when it has one). */
  slope: Float64Array;
  intercept: Float64Array;
  /** A model's parameters per iteration, one series each in the model's order (absent for the line). */
  params?: Float64Array[];
  /** A model's curve at the batch's last iteration, sampled at runStarted's `model.xs` (absent for the line). */
  curve?: Float64Array;
}
export interface SpreadLaneBatch extends OptimizerLaneBatch {
  /** The lane's own loss with the hard minimum (no softening). */
  loss: Float64Array;
  minAngleDeg: Float64Array;
  /** Coulomb energy Σ 1/r over pairs. */
  energy: Float64Array;
  nnMeanDeg: Float64Array;
  nnStdDeg: Float64Array;
  /**
   * The vectors at the frame's iteration, row-major [n, dim], and the histogram of pairwise
   * angles (0–180°). Sent when due (their size sets how often: see spread-driver.ts) and
   * always with a frame that pauses or ends the run; absent otherwise.
   */
  vectors?: Float32Array;
  histogram?: Float64Array;
}

export interface SpreadLaneIntro extends OptimizerLaneIntro {
  loss: SpreadLossName;
  s: number;
  temperatureDeg: number;
}

/** Best published values for this N on the 3-D sphere, when known (D = 3 only). */
export interface SpreadReference {
  thomsonEnergy: number | null;
  tammesAngleDeg: number | null;
  /** Where the figures come from (the shipped tables' source notes). */
  sources: string[];
}

interface RunStartedBase {
  type: 'runStarted';
  runId: string;
  backend: BackendName;
}

export interface RegressionRunStarted extends RunStartedBase {
  lab: 'regression';
  /** The line's exact answer (the data's, whatever the model). */
  exact: LeastSquares;
  stats: RegressionStats;
  lanes: OptimizerLaneIntro[];
  /** A run of a model of your own (absent for the line): what the engine says of it. */
  model?: ModelIntro;
}

export interface SpreadRunStarted extends RunStartedBase {
  lab: 'spread';
  n: number;
  dim: number;
  /** Every lane's start, row-major [n, dim], unit rows. */
  start: Float32Array;
  reference: SpreadReference | null;
  lanes: SpreadLaneIntro[];
}

export interface AttackLaneIntro extends LaneIntro, Pick<AttackSpec, 'method' | 'epsilon' | 'step' | 'iterations' | 'target' | 'stopAtConfidence'> {
  /** Steps the attack takes at most (FGSM: 1). */
  maxSteps: number;
}

export interface AdversarialRunStarted extends RunStartedBase {
  lab: 'adversarial';
  model: { id: string; displayName: string };
  width: number;
  height: number;
  /** The image every lane starts from, 8-bit RGB rows. */
  original: Uint8Array;
  /** The original's classification (step 0 of every lane). */
  before: Classification;
  lanes: AttackLaneIntro[];
}

export interface SurfaceRunStarted extends RunStartedBase {
  lab: 'surface';
  fn: SurfaceFunction;
  /** The formula the lanes descend (a preset's, with the bowl's κ filled in). */
  formula: string;
  start: SurfacePoint;
  minima: KnownMinimum[];
  lanes: OptimizerLaneIntro[];
}

export type RunStartedMessage = RegressionRunStarted | SpreadRunStarted | AdversarialRunStarted | SurfaceRunStarted;

interface FrameBase {
  type: 'frame';
  runId: string;
  iteration: number;
  status: RunStatus;
  itersPerSecond: number;
}

export interface RegressionFrame extends FrameBase {
  lab: 'regression';
  lanes: RegressionLaneBatch[];
}

export interface SpreadFrame extends FrameBase {
  lab: 'spread';
  lanes: SpreadLaneBatch[];
}

export interface AdversarialLaneBatch extends LaneBatchBase {
  /** One report per iteration from `from` (a finished lane repeats its last). */
  reports: StepReport[];
  /** The latest adversarial image (rounded to 8 bits: what is classified and saved), when it changed. */
  image?: Uint8Array;
}

export interface AdversarialFrame extends FrameBase {
  lab: 'adversarial';
  lanes: AdversarialLaneBatch[];
}

/**
 * A surface lane per iteration: its point, f there (float64), the autodiff gradient (float32,
 * the one the optimizer steps with) and float64 central differences at the same point.
 */
export interface SurfaceLaneBatch extends OptimizerLaneBatch {
  x: Float64Array;
  y: Float64Array;
  f: Float64Array;
  gx: Float64Array;
  gy: Float64Array;
  fdx: Float64Array;
  fdy: Float64Array;
}

export interface SurfaceFrame extends FrameBase {
  lab: 'surface';
  lanes: SurfaceLaneBatch[];
}

export type FrameMessage = RegressionFrame | SpreadFrame | AdversarialFrame | SurfaceFrame;

/** The range test's answer: the rate and the loss after each step taken, the loss before the first, and the suggestion. */
export interface LrFindReply {
  type: 'lrFind';
  requestId: string;
  laneId: string;
  learningRates: Float64Array;
  losses: Float64Array;
  start: number;
  suggested: number | null;
}

/** f at a point in float64 and its gradient by float64 central differences. */
export interface SurfaceProbeReply {
  type: 'surfaceProbe';
  requestId: string;
  x: number;
  y: number;
  f: number;
  gradient: [number, number];
}

/** f over a grid: `values` row-major [resolution (y, from yMin), resolution (x, from xMin)]; NaN where f is undefined. */
export interface SurfaceGridReply {
  type: 'surfaceGrid';
  requestId: string;
  formula: string;
  window: SurfaceWindow;
  resolution: number;
  values: Float64Array;
  minima: KnownMinimum[];
}

/** The engine's word on a Regression model over the data; a bad model is an error naming what and where instead. */
export interface RegressionModelReply extends ModelIntro {
  type: 'regressionModel';
  requestId: string;
  /** Every parameter's start (the request's `init`, else 1), in the model's order, and that curve. */
  start: number[];
  startCurve: Float64Array;
  /** The loss over the requested window (two-parameter models only). */
  grid: ModelGrid | null;
}

/** A parsed file of vectors, row-major [n, dim] as written (not yet normalised). */
export interface VectorsReply {
  type: 'vectors';
  requestId: string;
  name: string;
  n: number;
  dim: number;
  vectors: Float64Array;
}

/** A classifier the lab can use: a manifest model or a folder the user opened. */
export interface ModelEntry {
  id: string;
  displayName: string;
  origin: 'manifest' | 'folder';
  inputWidth: number;
  inputHeight: number;
  /** On disk already (DESCENT_MODELS_DIR, the cache, or an opened folder); otherwise it must be downloaded. */
  available: boolean;
  licence?: string;
}

export interface ModelInfo extends ModelEntry {
  /** Class names in output order ("class N" where the model has none). */
  labels: string[];
  /** The labels include ImageNet's cat and dog classes, so the cat/dog bars mean something. */
  hasCatDog: boolean;
}

/** An image file decoded for a model: its centred crop scaled to the input size. */
export interface DecodedImage {
  name: string;
  width: number;
  height: number;
  rgb: Uint8Array;
  format: string;
  sourceWidth: number;
  sourceHeight: number;
  crop: CropRect;
}

/** One lane's outcome on one image of "Attack every image": its verdict on the original and its last report. */
export interface BatchLaneResult {
  before: Classification;
  last: StepReport;
}

/** An image of an attackImages request, finished: a result per lane, or why there is none. */
export interface BatchImageMessage {
  type: 'batchImage';
  requestId: string;
  /** Its place in the request's images. */
  index: number;
  lanes?: BatchLaneResult[];
  error?: string;
}

/** An attackImages request is over: every image answered, or cancelled (the rest never will be). */
export interface BatchDoneMessage {
  type: 'batchDone';
  requestId: string;
  cancelled: boolean;
  /** Worker threads it ran on, and their backend. */
  workers: number;
  backend: BackendName;
}

/** One universal perturbation of a universal request: its ε's point of the curve, and what it does to each image. */
export interface UniversalPoint {
  epsilon: number;
  iterations: number;
  /** The sign step it took, in levels. */
  step: number;
  foolingRate: number;
  /** The fooling rate before any step (0) and after each iteration. */
  history: number[];
  /** Per image, in the request's order: the verdict on the original and on original + δ (8-bit), and whether the top class changed. */
  perImage: { name: string; success: boolean; before: Classification; after: Classification }[];
  /** δ in whole levels, |δ| ≤ ε: height × width × 3 values (row-major RGB); 128 + δ is the PNG that adds back. */
  perturbation: Int32Array;
  msPerIteration: number;
}

/**
 * A universal request under way, on the ε at `epsilonIndex`: after each iteration, the fooling
 * rate of δ so far; within an iteration over many images, after each chunk of them.
 */
export interface UniversalProgressMessage {
  type: 'universalProgress';
  requestId: string;
  epsilonIndex: number;
  epsilon: number;
  /** Iterations done (the one under way not counted). */
  iteration: number;
  iterations: number;
  /** Images whose gradient the iteration under way has taken, of `images` (0 once an iteration ends). */
  imagesDone: number;
  images: number;
  /** After `iteration` iterations (0 before the first). */
  foolingRate: number;
}

export interface UniversalResultMessage {
  type: 'universalResult';
  requestId: string;
  width: number;
  height: number;
  backend: BackendName;
  /** One per ε of the request, in its order. */
  points: UniversalPoint[];
}

export type EngineMessage =
  | { type: 'ready'; backend: BackendName; version: string }
  | { type: 'reply'; requestId: string; dataset: Dataset }
  | VectorsReply
  | SurfaceGridReply
  | SurfaceProbeReply
  | RegressionModelReply
  | LrFindReply
  | { type: 'models'; requestId: string; models: ModelEntry[] }
  | { type: 'modelProgress'; requestId: string; progress: ModelDownloadProgress }
  | { type: 'modelReady'; requestId: string; model: ModelInfo }
  | { type: 'image'; requestId: string; image: DecodedImage }
  | { type: 'png'; requestId: string; bytes: Uint8Array }
  /** A sweep under way: iterations done of all, and every cell's loss so far (row-major; NaN: diverged). */
  | { type: 'sweepProgress'; requestId: string; done: number; iterations: number; lossSoFar: Float64Array }
  | { type: 'sweepResult'; requestId: string; result: SweepResult }
  | { type: 'sampleImages'; requestId: string; images: { name: string; bytes: Uint8Array }[] }
  | BatchImageMessage
  | BatchDoneMessage
  | UniversalProgressMessage
  | UniversalResultMessage
  | { type: 'error'; requestId?: string; runId?: string; error: ErrorInfo }
  /**
   * Sent by the transport (Electron main, the headless server), never the engine: the engine
   * process died and a fresh one has taken its place. Its runs are gone; `reason` says why.
   */
  | { type: 'engineRestarted'; reason: string }
  | RunStartedMessage
  | FrameMessage;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/**
 * The ids of an untrusted request, echoed on an error so the page can match it to what it
 * asked; only well-formed strings are echoed.
 */
export function requestIds(raw: unknown): { requestId?: string; runId?: string } {
  const ids: { requestId?: string; runId?: string } = {};
  if (typeof raw !== 'object' || raw === null) return ids;
  const { requestId, runId } = raw as Record<string, unknown>;
  if (typeof requestId === 'string' && requestId.length <= 64) ids.requestId = requestId;
  if (typeof runId === 'string' && runId.length <= 64) ids.runId = runId;
  return ids;
}

/** Validates an untrusted request; the error names the offending field. */
export function parseRequest(raw: unknown): ParseResult<EngineRequest> {
  const r = requestSchema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data as EngineRequest };
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: { name: 'InvalidRequest', message: `${where}${issue?.message ?? 'invalid request'}` } };
}
