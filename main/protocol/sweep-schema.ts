/** The sweep request's schema (zod; the engine side and Electron main only). */
import { z } from 'zod';
import { LIMITS } from './limits';
import { OPTIMIZER_NAMES } from './optimizers';
import { finite, id } from './schema-parts';
import { spreadLossFields, spreadProblemSchema } from './spread-schema';
import { surfaceFunctionSchema, surfacePointSchema } from './surface-schema';
import { SWEEP_LIMITS, spreadSweepSizeProblem, sweepCells } from './sweep';

const axisSchema = z.object({
  name: z.string().max(64),
  lo: finite,
  hi: finite,
  log: z.boolean(),
  cells: z.number().int().min(1).max(SWEEP_LIMITS.maxCellsPerAxis),
});

/**
 * A sweep of the Surface lab (its function and start), the Regression lab (its problem, as a
 * run has it, and the seed SGD's mini-batches are drawn with) or the Spread lab (N, D and the
 * start as a run has them, N·D ≤ 4,096; the loss the cells descend; the seed of the start and
 * SGD's rows); progress and the loss so far stream as `sweepProgress`, the result as
 * `sweepResult`; `cancel` with its requestId ends it.
 * messages.ts hands in its regression problem schema (it imports this file).
 */
export function sweepRequestSchema<P extends z.ZodType>(regressionProblem: P) {
  return z
    .object({
      type: z.literal('sweep'),
      requestId: id,
      problem: z.discriminatedUnion('lab', [
        z.object({ lab: z.literal('surface'), fn: surfaceFunctionSchema, start: surfacePointSchema }),
        z.object({ lab: z.literal('regression'), problem: regressionProblem, seed: z.number().int().min(0).max(2 ** 31 - 1) }),
        z.object({
          lab: z.literal('spread'),
          problem: spreadProblemSchema.superRefine((p, ctx) => {
            const size = spreadSweepSizeProblem(p.n, p.dim);
            if (size) ctx.addIssue({ code: 'custom', message: size });
          }),
          loss: z.object(spreadLossFields),
          seed: z.number().int().min(0).max(2 ** 31 - 1),
        }),
      ]),
      grid: z.object({ optimizer: z.enum(OPTIMIZER_NAMES), params: z.record(z.string().max(64), finite), axes: z.array(axisSchema).min(1).max(2) }),
      iterations: z.number().int().min(1).max(LIMITS.maxIterations),
      tolerance: z.number().min(0).max(LIMITS.maxAbsValue).optional(),
    })
    .superRefine((req, ctx) => {
      try {
        sweepCells(req.grid);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['grid'], message: (e as Error).message });
      }
    });
}
