/**
 * Every message between the renderer and the engine. Requests into the engine are validated
 * by `parseRequest` (zod schemas below) wherever they cross a process boundary: Electron main,
 * the headless server and the engine host all call it. Bulk numbers travel as typed arrays.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { OPTIMIZER_NAMES, resolveHyperParams, type OptimizerName } from './optimizers';
import type { BackendName } from './limits';

export { BACKEND_NAMES, LAB_NAMES, LIMITS, type BackendName, type LabName } from './limits';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const MAX_ABS_VALUE = LIMITS.maxAbsValue;
const bounded = finite.refine((v) => Math.abs(v) <= MAX_ABS_VALUE, `must be within ±${MAX_ABS_VALUE}`);
const inRange = (v: number): boolean => Number.isFinite(v) && Math.abs(v) <= MAX_ABS_VALUE;
const float64Array = z.custom<Float64Array>((v) => v instanceof Float64Array, 'must be a Float64Array');
const id = z.string().min(1).max(64);

export const laneConfigSchema = z
  .object({
    id,
    optimizer: z.enum(OPTIMIZER_NAMES),
    params: z.record(z.string().max(64), finite),
    label: z.string().max(80).optional(),
  })
  .superRefine((lane, ctx) => {
    try {
      resolveHyperParams(lane.optimizer, lane.params);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['params'], message: (e as Error).message });
    }
  });
export type LaneConfig = z.infer<typeof laneConfigSchema> & { optimizer: OptimizerName };

export const regressionProblemSchema = z
  .object({
    x: float64Array,
    y: float64Array,
    normalize: z.boolean(),
    initSlope: bounded,
    initIntercept: bounded,
  })
  .refine((p) => p.x.length === p.y.length, 'x and y must have the same length')
  .refine((p) => p.x.length >= 2 && p.x.length <= LIMITS.maxPoints, `need 2 to ${LIMITS.maxPoints} points`)
  .refine((p) => p.x.every(inRange) && p.y.every(inRange), `data must be finite numbers within ±${MAX_ABS_VALUE}`);
export type RegressionProblem = z.infer<typeof regressionProblemSchema>;

export const runConfigSchema = z.object({
  lab: z.literal('regression'),
  problem: regressionProblemSchema,
  lanes: z
    .array(laneConfigSchema)
    .min(1)
    .max(LIMITS.maxLanes)
    .refine((ls) => new Set(ls.map((l) => l.id)).size === ls.length, 'lane ids must be unique'),
  maxIterations: z.number().int().min(1).max(LIMITS.maxIterations),
  /** 0 = as fast as the engine goes. */
  itersPerSecond: z.number().min(0).max(LIMITS.maxItersPerSecond),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Start paused (for single-stepping from iteration 0). */
  paused: z.boolean().optional(),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

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
  z.object({ type: z.literal('start'), runId: id, config: runConfigSchema }),
  z.object({ type: z.literal('control'), runId: id, action: z.enum(CONTROL_ACTIONS) }),
  z.object({ type: z.literal('setSpeed'), runId: id, itersPerSecond: z.number().min(0).max(LIMITS.maxItersPerSecond) }),
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

export interface LaneBatch {
  id: string;
  /** Iteration number of the first entry in the arrays below (iteration 0 = the start). */
  from: number;
  loss: Float64Array;
  slope: Float64Array;
  intercept: Float64Array;
  status: LaneStatus;
}

export interface RunStartedMessage {
  type: 'runStarted';
  runId: string;
  backend: BackendName;
  exact: LeastSquares;
  stats: RegressionStats;
  lanes: { id: string; optimizer: OptimizerName; params: Record<string, number>; label: string }[];
}

export interface FrameMessage {
  type: 'frame';
  runId: string;
  iteration: number;
  status: RunStatus;
  itersPerSecond: number;
  lanes: LaneBatch[];
}

export type EngineMessage =
  | { type: 'ready'; backend: BackendName; version: string }
  | { type: 'reply'; requestId: string; dataset: Dataset }
  | { type: 'error'; requestId?: string; runId?: string; error: ErrorInfo }
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
