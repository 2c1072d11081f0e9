/**
 * Adversarial lab: the attack methods, a lane's settings and what each step reports, shared by
 * the engine, the CLI and the renderer. Plain data and types, no dependencies.
 *
 * Units: ε and step sizes are in pixel levels (1 level = 1/255 of the range, the unit the
 * article and the literature quote); L2 quantities are Euclidean norms over all H·W·3 values in
 * the same levels.
 */
export const ATTACK_METHODS = ['signed', 'fgsm', 'bim', 'pgd', 'mifgsm', 'pgd-l2'] as const;
export type AttackMethod = (typeof ATTACK_METHODS)[number];

export function isAttackMethod(name: string): name is AttackMethod {
  return (ATTACK_METHODS as readonly string[]).includes(name);
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
}

export const ATTACK_METHOD_SPECS: Record<AttackMethod, AttackMethodSpec> = {
  signed: {
    label: 'Signed steps (the article)',
    description: 'Each step moves every value by exactly one level, by the sign of the gradient',
    norm: null,
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 0, step: 1, iterations: 10 },
  },
  fgsm: {
    label: 'FGSM',
    description: 'One step of ε by the sign of the gradient (Goodfellow et al. 2015)',
    norm: 'linf',
    usesStep: false,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 4, step: 4, iterations: 1 },
  },
  bim: {
    label: 'Iterative FGSM (BIM)',
    description: 'Sign steps of α, kept within ε of the original (Kurakin et al. 2017)',
    norm: 'linf',
    usesStep: true,
    usesDecay: false,
    randomStart: false,
    defaults: { epsilon: 4, step: 1, iterations: 10 },
  },
  pgd: {
    label: 'PGD',
    description: 'Iterative FGSM from a random start in the ε ball (Madry et al. 2018)',
    norm: 'linf',
    usesStep: true,
    usesDecay: false,
    randomStart: true,
    defaults: { epsilon: 4, step: 1, iterations: 10 },
  },
  mifgsm: {
    label: 'Momentum iterative FGSM',
    description: 'Sign steps of accumulated, L1-normalised gradients with decay μ (Dong et al. 2018)',
    norm: 'linf',
    usesStep: true,
    usesDecay: true,
    randomStart: false,
    defaults: { epsilon: 4, step: 1, iterations: 10 },
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
  },
};

export const ATTACK_LIMITS = {
  maxIterations: 10_000,
  /** L∞ radius and sign-step size, in levels. */
  maxEpsilonLinf: 255,
  /** L2 radius and step length, in levels: beyond any image's distance at 4096² pixels. */
  maxEpsilonL2: 1e6,
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
