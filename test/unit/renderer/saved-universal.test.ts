/**
 * A finished universal perturbation in a session file: a real one (the tiny MLP of the attack
 * tests, two images, two values of ε, through the engine's universalPoints) saved as the lab's
 * part, written and read back through the session format, checks out equal to what the panel
 * showed; one not finished is not kept; damaged parts are refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { universalPoints } from '../../../main/engine/labs/adversarial-universal';
import { decodeSession, encodeSession } from '../../../main/protocol/session';
import { checkSavedUniversal, saveUniversal } from '../../../renderer/labs/adversarial/saved-universal';
import type { UniversalState } from '../../../renderer/labs/adversarial/saved-universal';
import { mlpClassifier } from '../engine/adversarial/tiny-models';

let shown: UniversalState;
const mlp = mlpClassifier();

beforeAll(async () => {
  await selectBackend('cpu');
  const images = [
    { name: 'a.png', rgb: Uint8Array.from([30, 200, 90, 160, 15, 240]) },
    { name: '=b.png', rgb: Uint8Array.from([220, 40, 60, 10, 250, 128]) },
  ];
  const points = await universalPoints(mlp, { requestId: 'u', epsilons: [8, 40], iterations: 2, images }, () => {});
  const finished = points.map((p) => ({ epsilon: p.epsilon, foolingRate: p.foolingRate }));
  shown = {
    running: false,
    model: 'mlp',
    images: images.map((im) => im.name),
    epsilons: [8, 40],
    iterations: 2,
    progress: null,
    finished,
    result: { type: 'universalResult', requestId: 'session', width: 2, height: 1, backend: 'cpu', points },
    ended: 'complete',
    error: null,
  };
});
afterAll(() => mlp.dispose());

/** The lab's part through a session file and back. */
function roundTrip(part: unknown): unknown {
  const bytes = encodeSession({ format: 'descent-session', version: 1, savedWith: 'test', savedAt: '', activeLab: 'adversarial', labs: { adversarial: { universal: part } } });
  return (decodeSession(bytes).labs.adversarial as { universal: unknown }).universal;
}

describe('saved universal perturbation', () => {
  it('should come back from a session file as the panel showed it, δ and every verdict included', () => {
    expect(shown.result!.points[1]!.perturbation.some((d) => d !== 0)).toBe(true);
    expect(checkSavedUniversal(roundTrip(saveUniversal(shown)))).toEqual(shown);
  });

  it('should keep only a finished one', () => {
    expect(saveUniversal(null)).toBeNull();
    expect(saveUniversal({ ...shown, running: true, ended: null, result: null })).toBeNull();
    expect(saveUniversal({ ...shown, ended: 'cancelled', result: null })).toBeNull();
  });

  it('should refuse a damaged part, naming the field', () => {
    const saved = saveUniversal(shown)!;
    const damage = (edit: (p: typeof saved) => void) => {
      const copy = structuredClone(saved);
      edit(copy);
      return () => checkSavedUniversal(roundTrip(copy));
    };
    expect(damage((p) => (p.result.points[0]!.perturbation = Int32Array.from({ length: 6 }, () => 9)))).toThrow("the universal perturbation's ε 1: δ goes past ε 8");
    expect(damage((p) => (p.result.points[0]!.perturbation = new Int32Array(5)))).toThrow("the universal perturbation's ε 1: δ must be 6 whole levels");
    expect(damage((p) => (p.result.points[1]!.foolingRate = 1.5))).toThrow("the universal perturbation's ε 2: fooling rate must be a number from 0 to 1");
    expect(damage((p) => p.result.points.pop())).toThrow('a result for each ε');
    expect(damage((p) => ((p.result as { backend: string }).backend = 'webgl'))).toThrow('backend "webgl" is not one Descent Lab has');
    expect(damage((p) => (p.result.points[0]!.perImage[1]!.after.top5[0]!.label = 7 as unknown as string))).toThrow("image 2 with δ's label 1 must be text");
  });
});
