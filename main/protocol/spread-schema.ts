/** Request schemas of the Spread lab (zod; the engine side and Electron main only). */
import { z } from 'zod';
import { SPREAD_LIMITS, SPREAD_LOSS_NAMES, spreadSizeProblem } from './spread';
import { checkHyperParams, finite, float64Array, lanesOf, optimizerLaneFields, runFields } from './schema-parts';

export const spreadProblemSchema = z
  .object({
    n: z.number().int(),
    dim: z.number().int(),
    /** A start set, row-major [n, dim]; normalised by the engine. Otherwise a seeded random start. */
    init: float64Array.optional(),
  })
  .superRefine((p, ctx) => {
    const size = spreadSizeProblem(p.n, p.dim);
    if (size) ctx.addIssue({ code: 'custom', message: size });
    else if (p.init && p.init.length !== p.n * p.dim) {
      ctx.addIssue({ code: 'custom', path: ['init'], message: `expected ${p.n} × ${p.dim} = ${p.n * p.dim} numbers, got ${p.init.length}` });
    } else if (p.init && !p.init.every(Number.isFinite)) {
      ctx.addIssue({ code: 'custom', path: ['init'], message: 'start vectors must be finite numbers' });
    }
  });

/** A lane's loss settings (SpreadLossSettings): a lane's and a sweep's. */
export const spreadLossFields = {
  loss: z.enum(SPREAD_LOSS_NAMES),
  s: finite.refine((s) => s >= SPREAD_LIMITS.minRieszS && s <= SPREAD_LIMITS.maxRieszS, `Riesz s must be in [${SPREAD_LIMITS.minRieszS}, ${SPREAD_LIMITS.maxRieszS}]`),
  temperatureDeg: finite.refine((t) => t >= 0 && t <= SPREAD_LIMITS.maxTemperatureDeg, `temperature must be in [0, ${SPREAD_LIMITS.maxTemperatureDeg}] degrees`),
};

export const spreadLaneSchema = z
  .object({
    ...optimizerLaneFields,
    ...spreadLossFields,
  })
  .superRefine(checkHyperParams);

export const spreadRunSchema = z.object({
  lab: z.literal('spread'),
  problem: spreadProblemSchema,
  lanes: lanesOf(spreadLaneSchema),
  ...runFields,
});
