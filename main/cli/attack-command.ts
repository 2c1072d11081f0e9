/**
 * `descent attack` — fool an image classifier from the command line.
 *   descent attack --image FILE|DIR --model NAME|DIR --method signed|fgsm|bim|pgd|mifgsm|pgd-l2
 *                  [--epsilon E] [--step S] [--iterations N] [--target dog|cat|CLASS|untargeted]
 *                  [--stop-at P] [--decay MU] [--param NAME=VALUE …] [--out FILE|DIR] [--backend B]
 *                  [--seed K] [--scaling pixel/255|pixel/127.5-1] [--jobs N] [--json]
 * deepfool, deepfool-linf and cw-l2 look for the smallest change that succeeds (no ε); their own
 * parameters come as --param (ATTACK_METHOD_SPECS: overshoot, candidates; c, kappa, searchSteps, lr).
 * `--iterations 0` takes no step: it classifies, as `descent classify` does (no --method needed).
 * ε and step are in pixel levels (1/255): ε bounds the largest change of any value (L∞), or for
 * pgd-l2 the Euclidean length of the whole change; both default to the app's (ATTACK_METHOD_SPECS:
 * 4 and 1 for L∞, 255 and 51 for L2). Reported figures are those of the adversarial image
 * rounded to 8 bits, which is exactly what --out writes. A model name is looked for in
 * DESCENT_MODELS_DIR, then in the per-user cache (defaultModelCacheDir), then downloaded there.
 * A folder's images are attacked by `--jobs` worker threads (default: one per core), each with
 * its own TensorFlow.js and model (attack-pool.ts); the rows come out in file order.
 */
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { decimal, integer, UsageError } from './args';
import { chooseBackend, describe, imageFiles, locateClassifier } from './classifier-input';
import { runClassify } from './classify-command';
import {
  ATTACK_LIMITS,
  ATTACK_METHOD_SPECS,
  ATTACK_METHODS,
  attackParamProblem,
  isAttackMethod,
  type AttackDetail,
  type AttackMethod,
  type AttackSpec,
  type AttackTarget,
  type Classification,
  type ImageDistance,
  type StepReport,
} from '../protocol/adversarial';
import { AttackPool, defaultJobs, type ClassifierFacts } from '../engine/adversarial/attack-pool';
import { ImageClassifier } from '../engine/adversarial/image-classifier';
import { attackImage, type ImageAttackResult, type ImageAttackTask, type ImageFacts } from '../engine/adversarial/image-attack';
import { ImageDecodeError } from '../engine/adversarial/image-io';
import { INPUT_SCALINGS, type InputScaling } from '../engine/adversarial/model-registry';

export { UsageError } from './args';

export const ATTACK_USAGE = `usage: descent attack --image FILE|DIR --model NAME|DIR --method ${ATTACK_METHODS.join('|')} [--epsilon E] [--step S] [--iterations N] [--target dog|cat|CLASS|untargeted] [--stop-at P] [--decay MU] [--param NAME=VALUE …] [--out FILE|DIR] [--backend tensorflow|wasm|cpu] [--seed K] [--scaling ${INPUT_SCALINGS.join('|')}] [--jobs N] [--json]`;

/** Worker threads for a folder: each holds its own TensorFlow.js and model (see README). */
const MAX_JOBS = 64;

/** dog | cat | untargeted | a class index | a class name (whole label or one of its synonyms). */
export function parseTarget(value: string, labels: readonly string[]): AttackTarget {
  const v = value.trim();
  if (v === 'untargeted') return { kind: 'untargeted' };
  if (v === 'dog' || v === 'cat') return { kind: 'group', group: v };
  if (/^\d+$/.test(v)) {
    const index = Number(v);
    if (index >= labels.length) throw new UsageError(`--target ${v}: the model has classes 0 to ${labels.length - 1}`);
    return { kind: 'class', index };
  }
  const wanted = v.toLowerCase();
  const matches = labels.flatMap((label, index) =>
    label.toLowerCase() === wanted || label.split(',').some((s) => s.trim().toLowerCase() === wanted) ? [index] : [],
  );
  if (matches.length === 1) return { kind: 'class', index: matches[0]! };
  if (matches.length > 1) throw new UsageError(`--target "${v}" names ${matches.length} classes (${matches.join(', ')}); give the index`);
  throw new UsageError(`--target "${v}" is not dog, cat, untargeted, a class index or one of the model's class names`);
}

interface Options {
  image: string;
  model: string;
  method: AttackMethod;
  epsilon: number;
  step: number;
  iterations: number;
  target: string;
  stopAt: number | null;
  decay: number;
  /** The method's own parameters as given (--param); defaults fill the rest. */
  params: Record<string, number>;
  out: string | undefined;
  backend: string;
  seed: number;
  scaling: InputScaling | undefined;
  jobs: number;
  json: boolean;
}

const OPTIONS = {
  image: { type: 'string' },
  model: { type: 'string' },
  method: { type: 'string' },
  epsilon: { type: 'string' },
  step: { type: 'string' },
  iterations: { type: 'string' },
  target: { type: 'string', default: 'untargeted' },
  'stop-at': { type: 'string' },
  decay: { type: 'string' },
  param: { type: 'string', multiple: true },
  out: { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string', default: '1' },
  scaling: { type: 'string' },
  jobs: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** node:util's parseArgs; its messages can run to three lines ("--seed -1"), ours are one. */
function parse(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    if (!(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw e;
    throw new UsageError((e as Error).message.replace(/\s*\n\s*/g, ' '));
  }
}

function parseOptions(args: string[]): Options {
  const { values, positionals } = parse(args);
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.image) throw new UsageError('--image is required (a file or a folder of images)');
  if (!values.model) throw new UsageError('--model is required (a model name from models/manifest.json, or a folder with model.json)');
  if (!values.method) throw new UsageError(`--method is required (${ATTACK_METHODS.join(', ')})`);
  if (!isAttackMethod(values.method)) throw new UsageError(`unknown method "${values.method}" (choose ${ATTACK_METHODS.join(', ')})`);
  const method = values.method;
  const defaults = ATTACK_METHOD_SPECS[method].defaults;
  const maxBudget = method === 'pgd-l2' ? ATTACK_LIMITS.maxEpsilonL2 : ATTACK_LIMITS.maxEpsilonLinf;
  const epsilon = decimal(values.epsilon, '--epsilon', 0, maxBudget) ?? defaults.epsilon;
  const step = decimal(values.step, '--step', 1e-6, maxBudget) ?? defaults.step;
  if (values.scaling !== undefined && !INPUT_SCALINGS.includes(values.scaling as InputScaling)) {
    throw new UsageError(`--scaling must be ${INPUT_SCALINGS.join(' or ')}`);
  }
  const params = methodParams(method, values.param ?? []);
  const stopAt = values['stop-at'] === undefined || values['stop-at'] === 'none' ? null : decimal(values['stop-at'], '--stop-at', 0, 1)!;
  return {
    image: values.image,
    model: values.model,
    method,
    epsilon,
    step,
    iterations: integer(values.iterations, '--iterations', 1, ATTACK_LIMITS.maxIterations) ?? (method === 'fgsm' ? 1 : ATTACK_METHOD_SPECS[method].minimal ? defaults.iterations : 10),
    target: values.target!,
    stopAt,
    decay: decimal(values.decay, '--decay', 0, 10) ?? 1,
    params,
    out: values.out,
    backend: values.backend ?? process.env.DESCENT_BACKEND ?? '',
    seed: integer(values.seed, '--seed', 0, 2 ** 31 - 1)!,
    scaling: values.scaling as InputScaling | undefined,
    jobs: integer(values.jobs, '--jobs', 1, MAX_JOBS) ?? defaultJobs(),
    json: values.json!,
  };
}

/** `--param NAME=VALUE …` checked against the method's own parameters: one line naming the bad one. */
export function methodParams(method: AttackMethod, args: readonly string[]): Record<string, number> {
  const own = ATTACK_METHOD_SPECS[method].params;
  const out: Record<string, number> = {};
  for (const arg of args) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`--param must look like NAME=VALUE, got "${arg}"`);
    const p = own.find((q) => q.name === m[1]);
    if (!p) throw new UsageError(own.length ? `--param ${m[1]}: ${method} takes ${own.map((q) => q.name).join(', ')}` : `--param ${m[1]}: ${method} takes no parameters`);
    const value = decimal(m[2], `--param ${p.name}`, -Number.MAX_VALUE, Number.MAX_VALUE)!;
    const problem = attackParamProblem(p, value);
    if (problem) throw new UsageError(`--param ${problem}, got "${m[2]}"`);
    out[p.name] = value;
  }
  return out;
}

interface ImageResult {
  file: string;
  image: ImageFacts;
  before: Classification;
  after: Classification;
  originalClass: { index: number; label: string };
  success: boolean;
  stepsUsed: number;
  targetConfidence: number;
  distance: ImageDistance;
  msPerStep: number;
  /** DeepFool's and C&W's own figures at the end (the boundary, the rounding scale, C&W's final c). */
  detail?: AttackDetail;
  /** C&W: the step whose image is the result (the smallest successful one). */
  bestStep?: number;
  out: string | undefined;
  history: { step: number; targetConfidence: number; top1: string; top1Probability: number; cat: number | null; dog: number | null; linf: number; l2: number; l0Pixels: number; stepMs: number }[];
}

function historyRow(r: StepReport): ImageResult['history'][number] {
  const top = r.classification.top5[0]!;
  return {
    step: r.step,
    targetConfidence: r.targetConfidence,
    top1: top.label,
    top1Probability: top.probability,
    cat: r.classification.cat,
    dog: r.classification.dog,
    linf: r.distance.linf,
    l2: r.distance.l2,
    l0Pixels: r.distance.l0Pixels,
    stepMs: r.stepMs,
  };
}

function spec(options: Options, target: AttackTarget): AttackSpec {
  return {
    method: options.method,
    epsilon: options.epsilon,
    step: options.step,
    iterations: options.iterations,
    target,
    stopAtConfidence: options.stopAt,
    decay: options.decay,
    seed: options.seed,
    params: options.params,
  };
}

/** A row of the report from the image's one lane (image-attack.ts). */
function imageResult(file: string, r: ImageAttackResult, labels: readonly string[], out: string | undefined): ImageResult {
  const lane = r.lanes[0]!;
  const before = lane.reports[0]!;
  const last = lane.reports.at(-1)!;
  return {
    file,
    image: r.image!,
    before: before.classification,
    after: last.classification,
    originalClass: { index: lane.originalClass, label: labels[lane.originalClass]! },
    success: last.success,
    stepsUsed: lane.steps,
    targetConfidence: last.targetConfidence,
    distance: last.distance,
    msPerStep: lane.msPerStep,
    ...(last.detail ? { detail: last.detail } : {}),
    ...(last.bestStep !== undefined ? { bestStep: last.bestStep } : {}),
    out,
    history: lane.reports.map(historyRow),
  };
}

type Row = ImageResult | { file: string; error: string; failed?: true };

/**
 * A folder's images over `jobs` worker threads (attack-pool.ts), rows in file order. An
 * unreadable file is a skipped row; an image whose worker died or whose attack threw is a
 * failed row with the reason, and the others go on.
 */
async function attackFolder(pool: AttackPool, files: string[], task: (file: string) => ImageAttackTask, labels: readonly string[]): Promise<Row[]> {
  return Promise.all(
    files.map(async (file): Promise<Row> => {
      const t = task(file);
      const o = await pool.attack(t);
      if (o.ok) return imageResult(file, o.result, labels, t.out);
      return o.unreadable ? { file, error: o.error } : { file, error: o.error, failed: true };
    }),
  );
}

/**
 * An L2 budget spread over every value of the image can be smaller than half a level per value,
 * and rounding to 8 bits then undoes the whole attack: say so when it happened (steps taken,
 * nothing changed in the saved image), with the budget that spreads half a level everywhere.
 */
export function roundedAwayWarning(options: Pick<Options, 'method' | 'epsilon'>, results: readonly Pick<ImageResult, 'file' | 'stepsUsed' | 'distance'>[], values: number): string | null {
  const lost = results.filter((r) => r.stepsUsed > 0 && r.distance.l2 === 0);
  if (!lost.length) return null;
  const half = Math.ceil(0.5 * Math.sqrt(values));
  const which = lost.length === results.length ? (results.length === 1 ? 'the image' : 'every image') : `${lost.length} of ${results.length} images`;
  const hint =
    options.method === 'pgd-l2'
      ? `an L2 budget of ${options.epsilon} levels spread over ${values.toLocaleString('en-US')} values is under half a level each; try --epsilon ${half} or more (the default is ${ATTACK_METHOD_SPECS['pgd-l2'].defaults.epsilon})`
      : `--epsilon ${options.epsilon} is under half a level; try 1 or more`;
  return `the attack left ${which} unchanged once rounded to 8 bits (L2 = 0): ${hint}`;
}

export async function attackCommand(args: string[]): Promise<void> {
  const { values } = parse(args);
  if (values.iterations !== undefined && integer(values.iterations, '--iterations', 0, ATTACK_LIMITS.maxIterations) === 0) {
    // No step: what the attack would start from, as `descent classify` reports it.
    return runClassify({ image: values.image, model: values.model, backend: values.backend, scaling: values.scaling, json: values.json! });
  }
  const options = parseOptions(args);
  const { files, folder } = await imageFiles(options.image);
  const backend = await chooseBackend(options.backend);
  const source = await locateClassifier(options.model, options.scaling);
  // One file is attacked in this thread. A folder goes over the pool, whose first worker to
  // start describes the model: this thread never loads it (a second copy, and seconds of CPU
  // taken from the workers).
  const pool = folder ? new AttackPool(Math.min(options.jobs, files.length), { backend, source }) : undefined;
  const classifier = pool ? undefined : await ImageClassifier.load(source);
  try {
    const model: ClassifierFacts = classifier ?? (await pool!.describe());
    const target = parseTarget(options.target, model.labels);
    if (target.kind === 'group' && model.groups[target.group].length === 0) {
      throw new UsageError(`--target ${target.group}: ${source.name}'s labels have no ImageNet ${target.group} classes`);
    }
    if (folder && options.out) await mkdir(options.out, { recursive: true });
    const outFor = (file: string): string | undefined =>
      !options.out ? undefined : folder ? join(options.out, `${basename(file, extname(file))}.adversarial.png`) : options.out;
    const task = (file: string): ImageAttackTask => ({ image: { file }, lanes: [spec(options, target)], out: outFor(file), history: true });
    let results: Row[];
    if (pool) {
      // In a folder, one unreadable file is a row, not the end of the run.
      results = await attackFolder(pool, files, task, model.labels);
    } else {
      try {
        results = [imageResult(files[0]!, await attackImage(classifier!, task(files[0]!)), model.labels, options.out)];
      } catch (e) {
        if (e instanceof ImageDecodeError) throw new UsageError(e.message);
        throw e;
      }
    }
    const settings = {
      backend,
      model: { name: source.name, displayName: source.displayName, dir: source.dir, inputScaling: source.inputScaling },
      method: options.method,
      epsilon: options.method === 'signed' || ATTACK_METHOD_SPECS[options.method].minimal ? null : options.epsilon,
      step: options.method === 'signed' ? 1 : options.method === 'fgsm' ? options.epsilon : ATTACK_METHOD_SPECS[options.method].minimal ? null : options.step,
      iterations: options.iterations,
      ...(ATTACK_METHOD_SPECS[options.method].params.length ? { params: { ...Object.fromEntries(ATTACK_METHOD_SPECS[options.method].params.map((p) => [p.name, p.default])), ...options.params } } : {}),
      target: options.target,
      stopAt: options.stopAt,
      seed: options.seed,
    };
    const attacked = results.filter((r): r is ImageResult => !('error' in r));
    // The minimal attacks scale their perturbation until it survives rounding (smallestRoundedScale).
    const warning = ATTACK_METHOD_SPECS[options.method].minimal ? null : roundedAwayWarning(options, attacked, model.inputWidth * model.inputHeight * 3);
    if (warning) console.error(`warning: ${warning}`);
    if (options.json) {
      const body = folder
        ? { ...settings, folder: options.image, images: results, attacked: attacked.length, successRate: attacked.length ? attacked.filter((r) => r.success).length / attacked.length : null }
        : { ...settings, ...attacked[0]! };
      process.stdout.write(JSON.stringify(body) + '\n');
      return;
    }
    console.log(`${source.displayName} on ${backend}; ${options.method}, target ${options.target}`);
    for (const r of results) {
      if ('error' in r) {
        console.log(`${r.file}: ${'failed' in r ? 'failed' : 'skipped'}: ${r.error}`);
        continue;
      }
      const d = r.distance;
      console.log(`${r.file}: ${describe(r.before)} → ${describe(r.after)}; ${r.success ? 'success' : 'no success'} after ${r.stepsUsed} step(s), ${r.msPerStep.toFixed(0)} ms/step`);
      console.log(`  L∞ ${d.linf}, L2 ${d.l2.toFixed(1)}, L0 ${d.l0Pixels} px, PSNR ${d.psnrDb === null ? '∞' : d.psnrDb.toFixed(1)} dB, SSIM ${d.ssim.toFixed(4)}${r.out ? `; wrote ${r.out}` : ''}`);
      const extra = detailText(r.detail, r.bestStep);
      if (extra) console.log(`  ${extra}`);
    }
    if (folder) console.log(`success rate ${attacked.filter((r) => r.success).length}/${attacked.length}`);
  } finally {
    classifier?.dispose();
    await pool?.destroy();
  }
}

/** DeepFool's and C&W's own figures in a line; null for the budgeted methods. */
function detailText(detail: AttackDetail | undefined, bestStep: number | undefined): string | null {
  if (!detail) return null;
  const parts: string[] = [];
  if (detail.c !== undefined) parts.push(`final c ${detail.successC === null || detail.successC === undefined ? 'none (no c succeeded)' : detail.successC.toPrecision(3)} after ${detail.round} round(s)`);
  if (bestStep !== undefined) parts.push(`smallest successful image at step ${bestStep}`);
  if (detail.boundaryDistance !== undefined) parts.push(`last linearised boundary ${detail.boundaryDistance.toPrecision(3)} levels away`);
  if (detail.roundingScale !== undefined) parts.push(`perturbation ×${detail.roundingScale.toPrecision(3)} to survive 8-bit rounding`);
  return parts.join('; ');
}
