/**
 * zod building blocks shared by every lab's request schemas (messages.ts and the labs'
 * *-schema.ts files). Not for the renderer: zod stays out of its bundle.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { OPTIMIZER_NAMES, resolveHyperParams } from './optimizers';
import { MAX_WARMUP, SCHEDULE_NAMES, resolveSchedule } from './schedules';

export const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const bounded = finite.refine((v) => Math.abs(v) <= LIMITS.maxAbsValue, `must be within ±${LIMITS.maxAbsValue}`);
export const inRange = (v: number): boolean => Number.isFinite(v) && Math.abs(v) <= LIMITS.maxAbsValue;
export const float64Array = z.custom<Float64Array>((v) => v instanceof Float64Array, 'must be a Float64Array');
export const id = z.string().min(1).max(64);

/** A lane's learning-rate schedule (protocol/schedules.ts); absent means constant. */
export const scheduleSchema = z.object({
  name: z.enum(SCHEDULE_NAMES),
  params: z.record(z.string().max(64), finite),
  warmup: z.number().int().min(0).max(MAX_WARMUP),
});

/** The fields every optimizer lane has, with the hyper-parameters checked against the optimizer. */
export const optimizerLaneFields = {
  id,
  optimizer: z.enum(OPTIMIZER_NAMES),
  params: z.record(z.string().max(64), finite),
  schedule: scheduleSchema.optional(),
  label: z.string().max(80).optional(),
};

export function checkHyperParams(
  lane: { optimizer: (typeof OPTIMIZER_NAMES)[number]; params: Record<string, number>; schedule?: z.infer<typeof scheduleSchema> },
  ctx: z.RefinementCtx,
): void {
  try {
    resolveHyperParams(lane.optimizer, lane.params);
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['params'], message: (e as Error).message });
  }
  if (!lane.schedule) return;
  try {
    resolveSchedule(lane.schedule);
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['schedule'], message: (e as Error).message });
  }
}

/** 1 to maxLanes lanes with unique ids. */
export function lanesOf<T extends z.ZodType<{ id: string }>>(lane: T) {
  return z
    .array(lane)
    .min(1)
    .max(LIMITS.maxLanes)
    .refine((ls) => new Set(ls.map((l) => l.id)).size === ls.length, 'lane ids must be unique');
}

/** Run-level settings every lab shares. */
export const runFields = {
  maxIterations: z.number().int().min(1).max(LIMITS.maxIterations),
  /** 0 = as fast as the engine goes. */
  itersPerSecond: z.number().min(0).max(LIMITS.maxItersPerSecond),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Start paused (for single-stepping from iteration 0). */
  paused: z.boolean().optional(),
};
