/**
 * A lane's own parameters (DeepFool's, C&W's) in the renderer's settings: filled in on a method
 * change, sent in the run config the engine's schema accepts, counted in a C&W lane's steps, and
 * kept by a session (older sessions without them read as the defaults).
 */
import { describe, expect, it } from 'vitest';
import { attackLaneSchema } from '../../../main/protocol/adversarial-schema';
import { attackLaneConfig, checkAdversarialSettings, defaultAdversarialSettings, laneSteps, sameAdversarialRun, withMethod } from '../../../renderer/labs/adversarial/adversarial-settings';

describe('adversarial settings: a method’s own parameters', () => {
  it('a method change brings that method’s defaults, and the config the engine gets carries them', () => {
    const s = defaultAdversarialSettings();
    const cw = withMethod(s.lanes[0]!, 'cw-l2');
    expect(cw.params).toEqual({ c: 1e-3, kappa: 0, searchSteps: 5, lr: 1e-3 });
    expect(cw.iterations).toBe(20);
    const config = attackLaneConfig(cw, null);
    expect(config.params).toEqual(cw.params);
    expect(config.iterations).toBe(20); // per round: the engine runs searchSteps rounds of them
    expect(config.label).toMatch(/^Carlini–Wagner \(L2\) c 0\.001 /);
    expect(attackLaneSchema.safeParse(config).success).toBe(true);
    expect(withMethod(cw, 'deepfool').params).toEqual({ overshoot: 0.02, candidates: 10 });
    // A budgeted method sends none.
    expect(attackLaneConfig(withMethod(cw, 'pgd'), null).params).toBeUndefined();
  });

  it('a C&W lane takes its iterations in every round of the search over c', () => {
    const cw = withMethod(defaultAdversarialSettings().lanes[0]!, 'cw-l2');
    expect(laneSteps({ ...cw, iterations: 4, params: { ...cw.params, searchSteps: 3 } })).toBe(12);
    expect(laneSteps(withMethod(cw, 'deepfool'))).toBe(50);
  });

  it('a changed parameter is a different run', () => {
    const s = defaultAdversarialSettings();
    const a = { ...s, lanes: [withMethod(s.lanes[0]!, 'cw-l2')] };
    const b = { ...a, lanes: [{ ...a.lanes[0]!, params: { ...a.lanes[0]!.params, kappa: 5 } }] };
    expect(sameAdversarialRun(a, a)).toBe(true);
    expect(sameAdversarialRun(a, b)).toBe(false);
  });

  it('a session keeps them; one from before them reads the defaults; a bad one is named', () => {
    const s = defaultAdversarialSettings();
    const lane = { ...withMethod(s.lanes[0]!, 'cw-l2'), params: { c: 0.5, kappa: 2, searchSteps: 3, lr: 0.002 } };
    const saved = JSON.parse(JSON.stringify({ ...s, lanes: [lane] }));
    expect(checkAdversarialSettings(saved).lanes[0]!.params).toEqual(lane.params);
    delete saved.lanes[0].params;
    expect(checkAdversarialSettings(saved).lanes[0]!.params).toEqual({ c: 1e-3, kappa: 0, searchSteps: 5, lr: 1e-3 });
    saved.lanes[0].params = { searchSteps: 0 };
    expect(() => checkAdversarialSettings(saved)).toThrow('attack 1: searchSteps must be in [1, 20]');
  });
});
