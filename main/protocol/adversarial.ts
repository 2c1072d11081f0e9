/**
 * Adversarial lab: the attack methods, a lane's settings and what each step reports, shared by
 * the engine, the CLI and the renderer. Plain data and types, no dependencies.
 *
 * Units: ε and step sizes are in pixel levels (1 level = 1/255 of the range, the unit the
 * article and the literature quote); L2 quantities are Euclidean norms over all H·W·3 values in
 * the same levels.
 */
export const ATTACK_METHODS = ['signed', 'fgsm', 'bim', 'pgd', 'mifgsm', 'pgd-l2', 'deepfool', 'deepfool-linf', 'cw-l2'] as const;
export type AttackMethod = (typeof ATTACK_METHODS)[number];

export function isAttackMethod(name: string): name is AttackMethod {
  return (ATTACK_METHODS as readonly string[]).includes(name);
}

/** A method's own parameter (beyond ε, step and iterations): `--param NAME=VALUE`, a field in the lane editor. */
export interface AttackParamSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** The smallest value is excluded (a rate must be > 0). */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
}

export interface AttackMethodSpec {
  readonly label: string;
  readonly description: string;
  /** Which ball ε bounds; null: no ball (the article's method: N steps bound the change by N). */
  readonly norm: 'linf' | 'l2' | null;
  /** Whether the step size is the user's (signed always moves 1 level, FGSM moves ε). */
  readonly usesStep: boolean;
  readonly usesDecay: boolean;
  /** Starts from a random point in the ball (seeded). */
  readonly randomStart: boolean;
  readonly defaults: { readonly epsilon: number; readonly step: number; readonly iterations: number };
  /**
   * A minimal-perturbation attack (DeepFool, C&W): no budget, it looks for the smallest change
   * that succeeds; the lane's ε and step are unused, and its report is of the smallest
   * successful image found so far.
   */
  readonly minimal?: 'l2' | 'linf';
  /** Its own parameters, with defaults and ranges. */
  readonly params: readonly AttackParamSpec[];
}

const DEEPFOOL_PARAMS: readonly AttackParamSpec[] = [
  { name: 'overshoot', label: 'overshoot', description: 'Each step goes (1 + overshoot) times the linearised distance past the boundary (Moosavi-Dezfooli et al. use 0.02)', default: 0.02, min: 0, max: 1 },
  { name: 'candidates', label: 'classes', description: 'How many of the top classes DeepFool linearises each step (the nearest boundary among them; Foolbox uses 10)', default: 10, min: 1, max: 100, integer: true },
];

/**
 * C&W's defaults: Foolbox's initial c (1e-3) and confidence 0, but an Adam rate of 1e-3 rather
 * than the libraries' 1e-2: on a 224×224 photo Adam's first step moves every value by about
 * lr·127.5 levels whatever c is, and at 1e-2 (1.3 levels everywhere) that step alone crosses
 * MobileNet's boundary on every sample photo, so c never matters and the result is a dense
 * sign step.
 */
const CW_PARAMS: readonly AttackParamSpec[] = [
  { name: 'c', label: 'c', description: 'The first constant c weighing the misclassification term against ‖δ‖² (in [0, 1] units); the binary search moves it', default: 1e-3, min: 0, max: 1e6, minExclusive: true },
  { name: 'kappa', label: 'κ', description: 'Confidence: the logit margin the objective asks for beyond the boundary', default: 0, min: 0, max: 1000 },
  { name: 'searchSteps', label: 'c searches', description: 'Rounds of the binary search over c: each runs the iterations from the original; 1 keeps c fixed', default: 5, min: 1, max: 20, integer: true },
  { name: 'lr', label: 'Adam rate', description: 'Adam’s learning rate on w, where the image is 255·(tanh w + 1)/2: its first step moves every value about 127.5·rate levels', default: 1e-3, min: 0, max: 10, minExclusive: true },
];

export const ATTACK_METHOD_SPECS: Record<AttackMethod, AttackMethodSpec> = {
  signed: {
    label: 'Signed steps (the article)',
    description: 'Each step moves every value by exactly one level, by the sign of the gradient',
    norm: null,
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 0, step: 1, iterations: 10 },
    params: [],
  },
  fgsm: {
    label: 'FGSM',
    description: 'One step of ε by the sign of the gradient (Goodfellow et al. 2015)',
    norm: 'linf',
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 4, step: 4, iterations: 1 },
    params: [],
  },
  bim: {
    label: 'Iterative FGSM (BIM)',
    description: 'Sign steps of α, kept within ε of the original (Kurakin et al. 2017)',
    norm: 'linf',
    usesStep: true,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 4, step: 1, iterations: 10 },
    params: [],
  },
  pgd: {
    label: 'PGD',
    description: 'Iterative FGSM from a random start in the ε ball (Madry et al. 2018)',
    norm: 'linf',
    usesStep: true,
    usesDecay: false,
    randomStart: true,
    defaults: { epsilon: 4, step: 1, iterations: 10 },
    params: [],
  },
  mifgsm: {
    label: 'Momentum iterative FGSM',
    description: 'Sign steps of accumulated, L1-normalised gradients with decay μ (Dong et al. 2018)',
    norm: 'linf',
    usesStep: true,
    usesDecay: true,
    randomStart: false,
    defaults: { epsilon: 4, step: 1, iterations: 10 },
    params: [],
  },
  'pgd-l2': {
    label: 'PGD (L2)',
    description: 'Steps of length α along the gradient, kept within an L2 distance ε of the original',
    norm: 'l2',
    usesStep: true,
    usesDecay: false,
    randomStart: true,
    // ε = 1.0 and α = 0.2 in [0, 1] units, over 224·224·3 values ≈ 0.66 levels per value on average.
    defaults: { epsilon: 255, step: 51, iterations: 10 },
    params: [],
  },
  deepfool: {
    label: 'DeepFool (L2)',
    description: 'Steps to the nearest linearised class boundary, smallest in L2, until the 8-bit image crosses it (Moosavi-Dezfooli et al. 2016)',
    norm: null,
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 0, step: 1, iterations: 50 },
    minimal: 'l2',
    params: DEEPFOOL_PARAMS,
  },
  'deepfool-linf': {
    label: 'DeepFool (L∞)',
    description: 'DeepFool with the nearest boundary measured in L∞: sign steps of the linearised distance',
    norm: null,
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 0, step: 1, iterations: 50 },
    minimal: 'linf',
    params: DEEPFOOL_PARAMS,
  },
  'cw-l2': {
    label: 'Carlini–Wagner (L2)',
    description: 'Adam on ‖δ‖² + c·max(margin, −κ) in tanh space, with a binary search over c; keeps the smallest successful image (Carlini & Wagner 2017)',
    norm: null,
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    // Iterations are Adam steps per round of the search over c.
    defaults: { epsilon: 0, step: 1, iterations: 20 },
    minimal: 'l2',
    params: CW_PARAMS,
  },
};

/** A lane's own parameters with every default filled in (unknown names are not kept). */
export function attackParams(method: AttackMethod, given: Readonly<Record<string, number>> | undefined): Record<string, number> {
  return Object.fromEntries(ATTACK_METHOD_SPECS[method].params.map((p) => [p.name, given?.[p.name] ?? p.default]));
}

/** Why a parameter's value is out of its range, or null when it is in. */
export function attackParamProblem(p: AttackParamSpec, value: number): string | null {
  if (!Number.isFinite(value)) return `${p.name} must be a number`;
  if (p.integer && !Number.isInteger(value)) return `${p.name} must be a whole number`;
  if (value < p.min || value > p.max || (p.minExclusive && value === p.min)) return `${p.name} must be in ${p.minExclusive ? '(' : '['}${p.min}, ${p.max}]`;
  return null;
}

/** Steps a lane takes at most: FGSM one, C&W its iterations in every round of the search over c. */
export function attackSteps(method: AttackMethod, iterations: number, params?: Readonly<Record<string, number>>): number {
  if (method === 'fgsm') return 1;
  if (method === 'cw-l2') return iterations * attackParams(method, params).searchSteps!;
  return iterations;
}

export const ATTACK_LIMITS = {
  maxIterations: 10_000,
  /** L∞ radius and sign-step size, in levels. */
  maxEpsilonLinf: 255,
  /** L2 radius and step length, in levels: beyond any image's distance at 4096² pixels. */
  maxEpsilonL2: 1e6,
} as const;

/**
 * The window's universal perturbation over the lab's images: one run per ε listed (the curve's
 * points), each of `iterations` PGD steps over every image (engine/adversarial/universal.ts).
 */
export const UNIVERSAL_LIMITS = {
  maxEpsilons: 8,
  maxIterations: 1000,
  defaultEpsilons: [2, 5, 10],
  defaultIterations: 10,
} as const;

export type GroupName = 'cat' | 'dog';

/** What the attack aims for: one class, the summed cat or dog classes, or away from the original top class. */
export type AttackTarget = { kind: 'untargeted' } | { kind: 'class'; index: number } | { kind: 'group'; group: GroupName };

/** One lane's attack. */
export interface AttackSpec {
  method: AttackMethod;
  /** Levels: L∞ radius, or L2 radius for pgd-l2. Ignored by 'signed'. */
  epsilon: number;
  /** Levels per step. 'signed' always moves by exactly 1; 'fgsm' by ε. */
  step: number;
  iterations: number;
  target: AttackTarget;
  /** Stop once the attack succeeds with target confidence ≥ this; null runs every iteration. */
  stopAtConfidence: number | null;
  /** MI-FGSM's momentum decay μ; 1 when absent (Dong et al.). */
  decay?: number;
  /** Seeds PGD's random start; 1 when absent. */
  seed?: number;
  /** The method's own parameters (ATTACK_METHOD_SPECS[method].params); defaults where absent. */
  params?: Record<string, number>;
}

/** What a minimal-perturbation attack adds to a step's report. */
export interface AttackDetail {
  /** DeepFool: the class whose linearised boundary this step aimed for, and its distance then (levels, the method's norm). */
  boundaryClass?: number;
  boundaryDistance?: number;
  /** DeepFool and C&W, at a step across the boundary: the factor its perturbation was scaled by, the smallest whose 8-bit image still succeeds. */
  roundingScale?: number;
  /** C&W: the round of the search over c (1-based) and its c. */
  round?: number;
  c?: number;
  /** C&W: the smallest c that has succeeded so far (the search's answer), null while none has. */
  successC?: number | null;
  /** C&W: whether an 8-bit image of this round has succeeded yet. */
  roundSucceeded?: boolean;
}

export interface RankedClass {
  index: number;
  label: string;
  probability: number;
}

export interface Classification {
  top5: RankedClass[];
  /** Summed probability of the ImageNet cat / dog classes; null when the labels are not ImageNet's. */
  cat: number | null;
  dog: number | null;
}

/**
 * How far the adversarial image is from the original, measured on the 8-bit RGB bytes that are
 * saved and re-classified, in levels.
 */
export interface ImageDistance {
  /** Largest change of any channel. */
  linf: number;
  /** Euclidean norm of the change over all values. */
  l2: number;
  /** Pixels with at least one channel changed. */
  l0Pixels: number;
  /** 10·log10(255² / MSE); null for identical images (infinite), so it survives JSON. */
  psnrDb: number | null;
  /** Mean SSIM over the three channels (Gaussian window 11, σ 1.5, K1 0.01, K2 0.03). */
  ssim: number;
}

export interface StepReport {
  /** 0 for the original image. */
  step: number;
  /** Of the image rounded to 8 bits per channel: what a saved PNG gives. */
  classification: Classification;
  /** Targeted: probability of the target (class or group sum). Untargeted: 1 − p(original class). */
  targetConfidence: number;
  /** Targeted: the top class is a target class. Untargeted: the top class is not the original's. */
  success: boolean;
  distance: ImageDistance;
  /** Gradient plus update, then classifying and measuring the rounded image; 0 for step 0. */
  stepMs: number;
  /** DeepFool's and C&W's own figures (absent for the budgeted methods). */
  detail?: AttackDetail;
  /** C&W: the step whose image this report is (the smallest successful one so far), when not this step's own. */
  bestStep?: number;
}

/** A rectangle in the (EXIF-oriented) source image's pixels: the part the model sees. */
export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A named model's download, as it goes. */
export interface ModelDownloadProgress {
  model: string;
  /** The file being fetched (model.json or a weight file). */
  file: string;
  bytesDone: number;
  /** Known before the first byte: the manifest's size of the whole model. */
  bytesTotal: number;
}
