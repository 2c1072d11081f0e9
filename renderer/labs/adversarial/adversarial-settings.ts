/**
 * Everything the user sets for an adversarial run, as one plain typed object: the lanes (an
 * attack each: method, budget in pixel levels, target, early stop) and the run-wide seed and
 * cap. The defaults are the article's signed steps (towards "dog" for a cat, "cat" for a dog,
 * away from the current class otherwise: fitTargets) beside untargeted PGD.
 */
import {
  ATTACK_LIMITS,
  ATTACK_METHOD_SPECS,
  UNIVERSAL_LIMITS,
  attackParamProblem,
  attackParams,
  attackSteps,
  isAttackMethod,
  type AttackMethod,
  type AttackSpec,
  type AttackTarget,
} from '../../../main/protocol/adversarial';
import { LIMITS } from '../../../main/protocol/limits';
import { finiteNumber, lanesArray, wholeNumber } from '../../session/check-fields';
import { asRecord } from '../../session/session-parts';
import type { AdversarialRunConfig, AttackLaneConfig } from '../../../main/protocol/messages';
import { nextLaneColour } from '../../run/lane-palette';

/** A lane as the user sets it: the attack's settings (see AttackSpec), its id and colour. */
export interface AttackLaneSettings extends Pick<AttackSpec, 'method' | 'epsilon' | 'step' | 'iterations' | 'target' | 'stopAtConfidence'> {
  id: string;
  colour: string;
  /** MI-FGSM's μ (kept for every method, so switching back keeps it). */
  decay: number;
  /** The method's own parameters (DeepFool's overshoot and classes, C&W's c, κ, searches, rate); every one filled in. */
  params: Record<string, number>;
  /** The target follows each image's first verdict (fitTargets) until the user picks one. */
  autoTarget?: boolean;
}

export interface AdversarialSettings {
  lanes: AttackLaneSettings[];
  /** The run's cap; follows the largest lane's iterations whenever a lane's change. */
  maxIterations: number;
  itersPerSecond: number;
  seed: number;
}

/** A stop at confidence, once switched on, starts here. */
export const DEFAULT_STOP_AT = 0.9;
export const DEFAULT_DECAY = 1;

let laneCounter = 0;

export function makeAttackLane(method: AttackMethod, target: AttackTarget, usedColours: readonly string[]): AttackLaneSettings {
  const d = ATTACK_METHOD_SPECS[method].defaults;
  return {
    id: `attack-${++laneCounter}`,
    colour: nextLaneColour(usedColours),
    method,
    epsilon: d.epsilon,
    step: d.step,
    iterations: d.iterations,
    target,
    stopAtConfidence: null,
    decay: DEFAULT_DECAY,
    params: attackParams(method, undefined),
  };
}

/** A method change brings that method's own defaults (PGD-L2's ε is in different units). */
export function withMethod(lane: AttackLaneSettings, method: AttackMethod): AttackLaneSettings {
  const d = ATTACK_METHOD_SPECS[method].defaults;
  return { ...lane, method, epsilon: d.epsilon, step: d.step, iterations: d.iterations, params: attackParams(method, undefined) };
}

/** A new lane copies the last one (the usual next step is "same attack, other budget"). */
export function nextAttackLane(last: AttackLaneSettings | undefined, usedColours: readonly string[]): AttackLaneSettings {
  if (!last) return makeAttackLane('pgd', { kind: 'untargeted' }, usedColours);
  return { ...last, id: `attack-${++laneCounter}`, colour: nextLaneColour(usedColours) };
}

export function defaultAdversarialSettings(): AdversarialSettings {
  const signed = { ...makeAttackLane('signed', { kind: 'group', group: 'dog' }, []), autoTarget: true };
  const pgd = makeAttackLane('pgd', { kind: 'untargeted' }, [signed.colour]);
  const lanes = [signed, pgd];
  return { lanes, maxIterations: longestLane(lanes), itersPerSecond: 0, seed: 1 };
}

/** What the model says of the original: its cat and dog sums (null for a model without those groups). */
export interface FirstVerdict {
  cat: number | null;
  dog: number | null;
}

/** The target that makes sense for a photo: a cat becomes a dog, a dog a cat, anything else leaves its class. */
export function targetForVerdict(v: FirstVerdict): AttackTarget {
  if (v.cat !== null && v.dog !== null) {
    if (v.cat >= 0.5 && v.cat > v.dog) return { kind: 'group', group: 'dog' };
    if (v.dog >= 0.5 && v.dog > v.cat) return { kind: 'group', group: 'cat' };
  }
  return { kind: 'untargeted' };
}

/**
 * Targets that fit the model and the photo: a lane left on its default target takes the one
 * the first verdict suggests; a cat or dog target on a model without those classes falls back
 * to "not current", with a note saying which lanes. `lanes` itself when nothing changes.
 */
export function fitTargets(lanes: AttackLaneSettings[], hasCatDog: boolean, verdict: FirstVerdict | null): { lanes: AttackLaneSettings[]; note: string | null } {
  const fellBack: number[] = [];
  const next = lanes.map((lane, i) => {
    let target = lane.autoTarget && verdict ? targetForVerdict(verdict) : lane.target;
    if (target.kind === 'group' && !hasCatDog) {
      target = { kind: 'untargeted' };
      fellBack.push(i + 1);
    }
    return sameTarget(target, lane.target) ? lane : { ...lane, target };
  });
  const note = fellBack.length
    ? `This model has no cat and dog classes: lane ${fellBack.join(', ')} now attack${fellBack.length === 1 ? 's' : ''} “not current” instead.`
    : null;
  return { lanes: next.every((l, i) => l === lanes[i]) ? lanes : next, note };
}

/** Steps a lane takes at most: FGSM is one step of ε whatever its iterations say; C&W its iterations in every round of its search over c. */
export function laneSteps(lane: AttackLaneSettings): number {
  return attackSteps(lane.method, lane.iterations, lane.params);
}

export function longestLane(lanes: readonly AttackLaneSettings[]): number {
  return Math.max(1, ...lanes.map(laneSteps));
}

/** "→ dog", "→ tabby", "away from tabby": the target in a few words. */
export function targetText(target: AttackTarget, labels: readonly string[] | null, originalLabel: string | null = null): string {
  if (target.kind === 'group') return `→ ${target.group}`;
  if (target.kind === 'class') return `→ ${labels?.[target.index] ?? `class ${target.index}`}`;
  return originalLabel ? `away from ${originalLabel}` : 'untargeted';
}

export function attackLaneLabel(lane: AttackLaneSettings, labels: readonly string[] | null): string {
  const spec = ATTACK_METHOD_SPECS[lane.method];
  const short = lane.method === 'signed' ? 'Signed steps' : spec.label.replace(/ \(.*\)$/, '');
  const budget = spec.norm === null ? '' : ` ε ${lane.epsilon}${spec.norm === 'l2' ? ' (L2)' : ''}`;
  const own = lane.method === 'cw-l2' ? ` c ${lane.params.c}${lane.params.kappa ? ` κ ${lane.params.kappa}` : ''}` : '';
  return `${spec.minimal ? spec.label : short}${budget}${own} ${targetText(lane.target, labels)}`;
}

export function attackLaneConfig(lane: AttackLaneSettings, labels: readonly string[] | null): AttackLaneConfig {
  const spec = ATTACK_METHOD_SPECS[lane.method];
  return {
    id: lane.id,
    label: attackLaneLabel(lane, labels),
    method: lane.method,
    epsilon: spec.norm === null ? 0 : lane.epsilon,
    // Signed steps move exactly one level and FGSM moves ε: the step field is theirs to ignore.
    step: lane.method === 'signed' ? 1 : lane.method === 'fgsm' ? lane.epsilon : lane.step,
    // C&W's iterations are per round of its search over c (the engine multiplies); FGSM's are 1.
    iterations: lane.method === 'cw-l2' ? lane.iterations : laneSteps(lane),
    target: lane.target,
    stopAtConfidence: lane.stopAtConfidence,
    ...(spec.usesDecay ? { decay: lane.decay } : {}),
    ...(spec.params.length ? { params: attackParams(lane.method, lane.params) } : {}),
  };
}

export interface RunImage {
  name: string;
  width: number;
  height: number;
  rgb: Uint8Array;
}

export function buildAdversarialRunConfig(
  s: AdversarialSettings,
  model: string,
  image: RunImage,
  labels: readonly string[] | null,
  paused: boolean,
  lanes: readonly AttackLaneSettings[] = s.lanes,
): AdversarialRunConfig {
  return {
    lab: 'adversarial',
    problem: { model, image: { name: image.name, width: image.width, height: image.height, rgb: image.rgb } },
    lanes: lanes.map((l) => attackLaneConfig(l, labels)),
    maxIterations: Math.min(s.maxIterations, longestLane(lanes)),
    itersPerSecond: s.itersPerSecond,
    seed: s.seed,
    ...(paused ? { paused: true } : {}),
  };
}

function sameTarget(a: AttackTarget, b: AttackTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'group' && b.kind === 'group') return a.group === b.group;
  if (a.kind === 'class' && b.kind === 'class') return a.index === b.index;
  return true;
}

/** Whether `now` would start the same run as `ran` did (speed aside: it applies live). */
export function sameAdversarialRun(ran: AdversarialSettings, now: AdversarialSettings): boolean {
  return (
    ran.maxIterations === now.maxIterations &&
    ran.seed === now.seed &&
    ran.lanes.length === now.lanes.length &&
    ran.lanes.every((l, i) => {
      const m = now.lanes[i]!;
      return (
        l.id === m.id &&
        l.method === m.method &&
        l.epsilon === m.epsilon &&
        l.step === m.step &&
        l.iterations === m.iterations &&
        l.stopAtConfidence === m.stopAtConfidence &&
        l.decay === m.decay &&
        ATTACK_METHOD_SPECS[l.method].params.every((p) => l.params[p.name] === m.params[p.name]) &&
        sameTarget(l.target, m.target)
      );
    })
  );
}

/** Adversarial settings read from a session file, checked field by field. */
export function checkAdversarialSettings(v: unknown): AdversarialSettings {
  const s = asRecord(v, 'the adversarial settings');
  return {
    maxIterations: wholeNumber(s.maxIterations, 'iterations', 1, ATTACK_LIMITS.maxIterations),
    itersPerSecond: finiteNumber(s.itersPerSecond, 'speed', 0, LIMITS.maxItersPerSecond),
    seed: wholeNumber(s.seed, 'the seed', 0, 2 ** 31 - 1),
    lanes: lanesArray(s.lanes, 'lanes', LIMITS.maxLanes).map((raw, i) => {
      const where = `attack ${i + 1}`;
      const l = asRecord(raw, where);
      if (typeof l.method !== 'string' || !isAttackMethod(l.method)) throw new Error(`${where}: unknown method ${String(l.method)}`);
      if (typeof l.id !== 'string' || typeof l.colour !== 'string' || !/^#[0-9a-f]{3,8}$/i.test(l.colour)) throw new Error(`${where} has no id or colour`);
      const t = asRecord(l.target, `${where}'s target`);
      const target: AttackTarget =
        t.kind === 'untargeted'
          ? { kind: 'untargeted' }
          : t.kind === 'group' && (t.group === 'cat' || t.group === 'dog')
            ? { kind: 'group', group: t.group }
            : t.kind === 'class'
              ? { kind: 'class', index: wholeNumber(t.index, `${where}'s target class`, 0, 100_000) }
              : (() => {
                  throw new Error(`${where}: unknown target`);
                })();
      return {
        id: l.id,
        colour: l.colour,
        method: l.method,
        epsilon: finiteNumber(l.epsilon, `${where}'s ε`, 0, ATTACK_LIMITS.maxEpsilonL2),
        step: finiteNumber(l.step, `${where}'s step`, 0, ATTACK_LIMITS.maxEpsilonL2),
        iterations: wholeNumber(l.iterations, `${where}'s iterations`, 1, ATTACK_LIMITS.maxIterations),
        target,
        stopAtConfidence: l.stopAtConfidence === null ? null : finiteNumber(l.stopAtConfidence, `${where}'s stop`, 0, 1),
        decay: finiteNumber(l.decay, `${where}'s decay`, 0, 10),
        params: checkParams(l.method, l.params, where),
        ...(l.autoTarget === true ? { autoTarget: true } : {}),
      };
    }),
  };
}

/** A lane's own parameters from a session (absent in sessions from before them: the defaults). */
function checkParams(method: AttackMethod, raw: unknown, where: string): Record<string, number> {
  if (raw === undefined) return attackParams(method, undefined);
  const given = asRecord(raw, `${where}'s parameters`);
  const out = attackParams(method, undefined);
  for (const p of ATTACK_METHOD_SPECS[method].params) {
    if (given[p.name] === undefined) continue;
    const v = given[p.name];
    const problem = typeof v === 'number' ? attackParamProblem(p, v) : `${p.name} must be a number`;
    if (problem) throw new Error(`${where}: ${problem}`);
    out[p.name] = v as number;
  }
  return out;
}

/**
 * The ε field: levels separated by commas or spaces, each from 1 to 255 (a perturbation is
 * whole levels), at most UNIVERSAL_LIMITS.maxEpsilons of them; sorted, repeats dropped. A
 * string says what is wrong.
 */
export function parseEpsilons(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) return 'Give at least one ε, in levels (1/255), like 2, 5, 10.';
  const values: number[] = [];
  for (const p of parts) {
    const v = /^\d+(\.\d+)?$/.test(p) ? Number(p) : NaN;
    if (!(v >= 1 && v <= 255)) return `“${p}” is not an ε from 1 to 255 levels.`;
    values.push(v);
  }
  const unique = [...new Set(values)].sort((a, b) => a - b);
  if (unique.length > UNIVERSAL_LIMITS.maxEpsilons) return `At most ${UNIVERSAL_LIMITS.maxEpsilons} values of ε (each is a perturbation of its own).`;
  return unique;
}
