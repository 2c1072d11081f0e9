/**
 * A finished universal perturbation as the Adversarial lab's session keeps it: what it was made
 * from (model, images by name, every ε, iterations) and its result (each ε's fooling rate, its
 * history, every image's verdict and δ itself). Checked field by field when a session is opened:
 * a damaged part is refused with the field that is wrong.
 */
import type { Classification } from '../../../main/protocol/adversarial';
import { isBackendName } from '../../../main/protocol/limits';
import type { UniversalPoint, UniversalProgressMessage, UniversalResultMessage } from '../../../main/protocol/messages';
import { finiteNumber, wholeNumber } from '../../session/check-fields';
import { asRecord } from '../../session/session-parts';

/** The universal perturbation the panel shows: running, finished, or opened from a session. */
export interface UniversalState {
  running: boolean;
  epsilons: number[];
  iterations: number;
  /** The images it was made over, by name, in the request's order. */
  images: string[];
  model: string;
  progress: UniversalProgressMessage | null;
  /** Each ε finished so far and its fooling rate (the curve while it runs). */
  finished: { epsilon: number; foolingRate: number }[];
  result: UniversalResultMessage | null;
  ended: 'complete' | 'cancelled' | 'failed' | null;
  error: string | null;
}

/** The request id a result opened from a session carries (no engine request made it). */
export const SESSION_REQUEST_ID = 'session';

export interface SavedUniversal {
  model: string;
  images: string[];
  epsilons: number[];
  iterations: number;
  result: Omit<UniversalResultMessage, 'type' | 'requestId'>;
}

/** What a session keeps of the universal perturbation shown: a finished one, or nothing. */
export function saveUniversal(state: UniversalState | null): SavedUniversal | null {
  if (!state?.result || state.ended !== 'complete') return null;
  const { width, height, backend, points } = state.result;
  return { model: state.model, images: [...state.images], epsilons: [...state.epsilons], iterations: state.iterations, result: { width, height, backend, points } };
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what} must be text`);
  return v;
}

function fraction(v: unknown, what: string): number {
  return finiteNumber(v, what, 0, 1);
}

function classification(v: unknown, what: string): Classification {
  const c = asRecord(v, what);
  if (!Array.isArray(c.top5) || c.top5.length > 5) throw new Error(`${what}'s top five must be a list of at most 5`);
  const top5 = c.top5.map((r, i) => {
    const row = asRecord(r, `${what}'s class ${i + 1}`);
    return { index: wholeNumber(row.index, `${what}'s class ${i + 1}`, 0, 1e6), label: text(row.label, `${what}'s label ${i + 1}`), probability: fraction(row.probability, `${what}'s probability ${i + 1}`) };
  });
  const group = (g: unknown, name: string) => (g === null ? null : fraction(g, `${what}'s ${name}`));
  return { top5, cat: group(c.cat, 'cats'), dog: group(c.dog, 'dogs') };
}

function point(v: unknown, i: number, size: number, images: number): UniversalPoint {
  const where = `the universal perturbation's ε ${i + 1}`;
  const p = asRecord(v, where);
  const epsilon = finiteNumber(p.epsilon, `${where}: ε`, 1, 255);
  if (!Array.isArray(p.history) || !Array.isArray(p.perImage) || p.perImage.length !== images) throw new Error(`${where} must have a history and a verdict for each of its ${images} images`);
  if (!(p.perturbation instanceof Int32Array) || p.perturbation.length !== size) throw new Error(`${where}: δ must be ${size} whole levels`);
  if (p.perturbation.some((d) => Math.abs(d) > epsilon)) throw new Error(`${where}: δ goes past ε ${epsilon}`);
  return {
    epsilon,
    iterations: wholeNumber(p.iterations, `${where}: iterations`, 1, 1e6),
    step: finiteNumber(p.step, `${where}: step`, 0),
    foolingRate: fraction(p.foolingRate, `${where}: fooling rate`),
    history: p.history.map((h, k) => fraction(h, `${where}: fooling rate at iteration ${k}`)),
    perImage: p.perImage.map((r, k) => {
      const row = asRecord(r, `${where}: image ${k + 1}`);
      if (typeof row.success !== 'boolean') throw new Error(`${where}: image ${k + 1} must say whether it was fooled`);
      return { name: text(row.name, `${where}: image ${k + 1}'s name`), success: row.success, before: classification(row.before, `${where}: image ${k + 1} before`), after: classification(row.after, `${where}: image ${k + 1} with δ`) };
    }),
    perturbation: p.perturbation,
    msPerIteration: finiteNumber(p.msPerIteration, `${where}: ms per iteration`, 0),
  };
}

/** The finished universal perturbation a session kept, as the panel shows it. */
export function checkSavedUniversal(v: unknown): UniversalState {
  const u = asRecord(v, 'the universal perturbation');
  const r = asRecord(u.result, "the universal perturbation's result");
  const width = wholeNumber(r.width, "the universal perturbation's width", 1, 4096);
  const height = wholeNumber(r.height, "the universal perturbation's height", 1, 4096);
  const backend = text(r.backend, "the universal perturbation's backend");
  if (!isBackendName(backend)) throw new Error(`the universal perturbation's backend "${backend}" is not one Descent Lab has`);
  if (!Array.isArray(u.images) || !Array.isArray(u.epsilons) || !Array.isArray(r.points) || r.points.length !== u.epsilons.length) throw new Error('the universal perturbation must list its images, and a result for each ε');
  const images = u.images.map((name, i) => text(name, `the universal perturbation's image ${i + 1}`));
  const points = r.points.map((p, i) => point(p, i, width * height * 3, images.length));
  return {
    running: false,
    model: text(u.model, "the universal perturbation's model"),
    images,
    epsilons: points.map((p) => p.epsilon),
    iterations: wholeNumber(u.iterations, "the universal perturbation's iterations", 1, 1e6),
    progress: null,
    finished: points.map((p) => ({ epsilon: p.epsilon, foolingRate: p.foolingRate })),
    result: { type: 'universalResult', requestId: SESSION_REQUEST_ID, width, height, backend, points },
    ended: 'complete',
    error: null,
  };
}
