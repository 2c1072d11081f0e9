/** Request schemas of the Surface lab (zod; the engine side and Electron main only). */
import { z } from 'zod';
import { BOWL_KAPPA, SURFACE_LIMITS, SURFACE_PRESET_NAMES } from './surface';
import { checkHyperParams, finite, id, lanesOf, optimizerLaneFields, runFields } from './schema-parts';

const coordinate = finite.refine((v) => Math.abs(v) <= SURFACE_LIMITS.maxAbsCoordinate, `must be within ±${SURFACE_LIMITS.maxAbsCoordinate}`);

export const surfaceFunctionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('preset'),
    preset: z.enum(SURFACE_PRESET_NAMES),
    kappa: finite.refine((k) => k >= BOWL_KAPPA.min && k <= BOWL_KAPPA.max, `κ must be in [${BOWL_KAPPA.min}, ${BOWL_KAPPA.max}]`).optional(),
  }),
  // Checked in full by the engine's formula compiler, which says what and where.
  z.object({ kind: z.literal('formula'), formula: z.string().max(SURFACE_LIMITS.maxFormulaLength, `the formula is longer than ${SURFACE_LIMITS.maxFormulaLength} characters`) }),
]);

export const surfacePointSchema = z.object({ x: coordinate, y: coordinate });

export const surfaceWindowSchema = z
  .object({ xMin: coordinate, xMax: coordinate, yMin: coordinate, yMax: coordinate })
  .refine((w) => w.xMin < w.xMax && w.yMin < w.yMax, 'the window needs xMin < xMax and yMin < yMax');

export const surfaceRunSchema = z.object({
  lab: z.literal('surface'),
  problem: z.object({ fn: surfaceFunctionSchema, start: surfacePointSchema }),
  lanes: lanesOf(z.object(optimizerLaneFields).superRefine(checkHyperParams)),
  ...runFields,
});

/** f over a grid of the window, for the views' surface and contour map. */
export const surfaceGridRequestSchema = z.object({
  type: z.literal('surfaceGrid'),
  requestId: id,
  fn: surfaceFunctionSchema,
  window: surfaceWindowSchema,
  resolution: z.number().int().min(SURFACE_LIMITS.minGrid).max(SURFACE_LIMITS.maxGrid),
});

/** f and its gradient at one point (the contour map's hover readout). */
export const surfaceProbeRequestSchema = z.object({
  type: z.literal('surfaceProbe'),
  requestId: id,
  fn: surfaceFunctionSchema,
  point: surfacePointSchema,
});
