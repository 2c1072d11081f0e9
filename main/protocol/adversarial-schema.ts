/** Request schemas of the Adversarial lab (zod; the engine side and Electron main only). */
import { z } from 'zod';
import { ATTACK_LIMITS, ATTACK_METHODS, ATTACK_METHOD_SPECS, UNIVERSAL_LIMITS, attackParamProblem } from './adversarial';
import { finite, id, lanesOf, runFields } from './schema-parts';

/** Largest image the page may send (already decoded to the model's input, or a file to decode). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;
/** Model inputs are small (224²); this bounds one message's pixels. */
export const MAX_MODEL_INPUT_SIDE = 1024;
/** An opened model folder: model.json, weight shards and labels.json. */
export const MAX_MODEL_FOLDER_BYTES = 512 * 1024 * 1024;
export const MAX_MODEL_FOLDER_FILES = 512;
/** "Attack every image": images in one request (each at the model's input, 150 KB at 224²). */
export const MAX_BATCH_IMAGES = 1000;

/** A manifest model's name or an opened folder's id; never a path (the page cannot name files). */
export const modelIdSchema = z.string().regex(/^(folder:)?[\w.-]{1,120}$/, 'must be a model name or an opened folder’s id');

const uint8Array = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array');
const side = z.number().int().min(1).max(MAX_MODEL_INPUT_SIDE);

/** A set of images at the model's input size (attackImages, universal). */
const imagesSchema = z
  .array(z.object({ name: z.string().max(260), width: side, height: side, rgb: uint8Array }).refine((im) => im.rgb.length === im.width * im.height * 3, 'rgb must hold width × height × 3 bytes'))
  .min(1)
  .max(MAX_BATCH_IMAGES);

export const attackTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('untargeted') }),
  z.object({ kind: z.literal('class'), index: z.number().int().min(0).max(100_000) }),
  z.object({ kind: z.literal('group'), group: z.enum(['cat', 'dog']) }),
]);

export const attackLaneSchema = z
  .object({
    id,
    label: z.string().max(80).optional(),
    method: z.enum(ATTACK_METHODS),
    epsilon: finite.refine((v) => v >= 0, 'must be ≥ 0'),
    step: finite.refine((v) => v > 0, 'must be > 0'),
    iterations: z.number().int().min(1).max(ATTACK_LIMITS.maxIterations),
    target: attackTargetSchema,
    stopAtConfidence: z.number().min(0).max(1).nullable(),
    decay: finite.refine((v) => v >= 0 && v <= 10, 'must be in [0, 10]').optional(),
    params: z.record(z.string().max(40), finite).optional(),
  })
  .superRefine((lane, ctx) => {
    const own = ATTACK_METHOD_SPECS[lane.method].params;
    for (const [name, value] of Object.entries(lane.params ?? {})) {
      const p = own.find((q) => q.name === name);
      const problem = p ? attackParamProblem(p, value) : `${lane.method} has no parameter ${name}${own.length ? ` (it has ${own.map((q) => q.name).join(', ')})` : ''}`;
      if (problem) ctx.addIssue({ code: 'custom', path: ['params', name], message: problem });
    }
    const norm = ATTACK_METHOD_SPECS[lane.method].norm;
    const max = norm === 'l2' ? ATTACK_LIMITS.maxEpsilonL2 : ATTACK_LIMITS.maxEpsilonLinf;
    if (norm !== null && !(lane.epsilon > 0 && lane.epsilon <= max)) ctx.addIssue({ code: 'custom', path: ['epsilon'], message: `ε must be in (0, ${max}] levels` });
    if (lane.step > max) ctx.addIssue({ code: 'custom', path: ['step'], message: `the step must be at most ${max} levels` });
  });

export const adversarialProblemSchema = z
  .object({
    model: modelIdSchema,
    /** The image at the model's input size, 8-bit RGB rows (decodeImage gives it). */
    image: z.object({ name: z.string().max(260), width: side, height: side, rgb: uint8Array }),
  })
  .refine((p) => p.image.rgb.length === p.image.width * p.image.height * 3, 'image.rgb must hold width × height × 3 bytes');

export const adversarialRunSchema = z.object({
  lab: z.literal('adversarial'),
  problem: adversarialProblemSchema,
  lanes: lanesOf(attackLaneSchema),
  ...runFields,
});

/** The lab's requests beyond runs (model list, loading, images, PNG encoding). */
export const adversarialRequestSchemas = [
  z.object({ type: z.literal('listModels'), requestId: id }),
  /** Finds (downloading if need be) and loads a model; answers modelProgress…, then modelReady. */
  z.object({ type: z.literal('loadModel'), requestId: id, model: modelIdSchema }),
  /** Cancels a loadModel still in flight (its download). */
  z.object({ type: z.literal('cancel'), requestId: id }),
  /** A model folder the user picked: its files, by their paths inside the folder. */
  z.object({
    type: z.literal('addModelFolder'),
    requestId: id,
    name: z.string().min(1).max(120),
    inputScaling: z.enum(['pixel/255', 'pixel/127.5-1']).optional(),
    files: z
      .array(z.object({ path: z.string().min(1).max(260), bytes: uint8Array }))
      .min(1)
      .max(MAX_MODEL_FOLDER_FILES)
      .refine((fs) => fs.reduce((n, f) => n + f.bytes.length, 0) <= MAX_MODEL_FOLDER_BYTES, `the folder is over ${MAX_MODEL_FOLDER_BYTES / 2 ** 20} MiB`),
  }),
  /** An image file → the model's input size (centred crop, EXIF orientation applied). */
  z.object({
    type: z.literal('decodeImage'),
    requestId: id,
    name: z.string().max(260),
    bytes: uint8Array.refine((b) => b.length <= MAX_IMAGE_FILE_BYTES, `image files over ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MiB are refused`),
    width: side,
    height: side,
  }),
  z.object({ type: z.literal('encodePng'), requestId: id, width: side, height: side, rgb: uint8Array }),
  /** The sample photos that ship with the app; answers sampleImages. */
  z.object({ type: z.literal('sampleImages'), requestId: id }),
  /**
   * "Attack every image": every lane on every image, spread over the engine's worker pool.
   * Answers a batchImage per image as it finishes (in any order), then batchDone; `cancel`
   * with its requestId ends it within a step.
   */
  z.object({
    type: z.literal('attackImages'),
    requestId: id,
    model: modelIdSchema,
    images: imagesSchema,
    lanes: lanesOf(attackLaneSchema),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
  }),
  /**
   * One universal perturbation over the images per ε listed (the fooling-rate curve's points),
   * on the engine's thread: universalProgress after every iteration, then universalResult;
   * `cancel` with its requestId ends it within an iteration (an error named Cancelled).
   */
  z.object({
    type: z.literal('universal'),
    requestId: id,
    model: modelIdSchema,
    images: imagesSchema,
    epsilons: z
      .array(finite.refine((v) => v > 0 && v <= ATTACK_LIMITS.maxEpsilonLinf, `each ε must be in (0, ${ATTACK_LIMITS.maxEpsilonLinf}] levels`))
      .min(1, 'at least one ε')
      .max(UNIVERSAL_LIMITS.maxEpsilons, `at most ${UNIVERSAL_LIMITS.maxEpsilons} values of ε`),
    iterations: z.number().int().min(1).max(UNIVERSAL_LIMITS.maxIterations),
    /** The sign step in levels; 2.5·ε/iterations for each ε when absent. */
    step: finite.refine((v) => v > 0 && v <= ATTACK_LIMITS.maxEpsilonLinf, `the step must be in (0, ${ATTACK_LIMITS.maxEpsilonLinf}] levels`).optional(),
  }),
] as const;
