/** Lanes' schedules in the page's settings: sent with the run, compared, and read from sessions old and new. */
import { describe, expect, it } from 'vitest';
import { CONSTANT_SCHEDULE, resolveSchedule } from '../../../main/protocol/schedules';
import { SPREAD_COOLING } from '../../../main/protocol/spread';
import { spreadRunSchema } from '../../../main/protocol/spread-schema';
import { surfaceRunSchema } from '../../../main/protocol/surface-schema';
import { optimizerLaneLabel } from '../../../renderer/run/optimizer-lane';
import { buildSpreadRunConfig, checkSpreadSettings, defaultSpreadSettings, sameSpreadRun, withSpreadLoss } from '../../../renderer/labs/spread/spread-settings';
import { buildSurfaceRunConfig, checkSurfaceSettings, defaultSurfaceSettings, sameSurfaceRun } from '../../../renderer/labs/surface/surface-settings';

const COSINE = resolveSchedule({ name: 'cosine', params: { period: 200, floor: 0.05 }, warmup: 10 });

describe('lane schedules in the page', () => {
  it('should send each lane\u2019s schedule with the run, in a request the engine accepts', () => {
    const s = defaultSurfaceSettings();
    s.lanes[0] = { ...s.lanes[0]!, schedule: COSINE };
    const config = buildSurfaceRunConfig(s, false);
    expect(config.lanes[0]!.schedule).toEqual(COSINE);
    expect(config.lanes[0]!.label).toMatch(/\(lr [^,]+, warm-up 10, cosine\)$/);
    expect(surfaceRunSchema.safeParse(config).success).toBe(true);
    const bad = { ...config, lanes: [{ ...config.lanes[0]!, schedule: { name: 'cosine', params: { gamma: 0.5 }, warmup: 0 } }] };
    const r = surfaceRunSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('the cosine schedule has no parameter "gamma" (it takes period, floor)');
  });

  it('should tell a changed schedule from the run that was started', () => {
    const ran = defaultSurfaceSettings();
    const now = { ...ran, lanes: ran.lanes.map((l, i) => (i === 0 ? { ...l, schedule: COSINE } : l)) };
    expect(sameSurfaceRun(ran, ran)).toBe(true);
    expect(sameSurfaceRun(ran, now)).toBe(false);
  });

  it('should read a session\u2019s schedules back, and give lanes from older sessions the schedule they ran with', () => {
    const s = defaultSurfaceSettings();
    s.lanes[0] = { ...s.lanes[0]!, schedule: COSINE };
    const saved = JSON.parse(JSON.stringify(s));
    expect(checkSurfaceSettings(saved).lanes[0]!.schedule).toEqual(COSINE);
    delete saved.lanes[0].schedule;
    expect(checkSurfaceSettings(saved).lanes[0]!.schedule).toEqual(CONSTANT_SCHEDULE);
    saved.lanes[0].schedule = { name: 'step', params: { stepSize: 0 }, warmup: 0 };
    expect(() => checkSurfaceSettings(saved)).toThrow('lane 1: step schedule stepSize must be a number in [1, 10000000], got 0');

    // Spread lanes saved before schedules: the softened ones cooled, the energies kept their rate.
    const spread = JSON.parse(JSON.stringify(defaultSpreadSettings()));
    for (const l of spread.lanes) delete l.schedule;
    const back = checkSpreadSettings(spread);
    expect(back.lanes.map((l) => l.loss)).toEqual(['min-angle', 'min-angle-variance', 'force', 'coulomb']);
    expect(back.lanes.map((l) => l.schedule)).toEqual([SPREAD_COOLING, SPREAD_COOLING, CONSTANT_SCHEDULE, CONSTANT_SCHEDULE]);
    expect(sameSpreadRun(back, defaultSpreadSettings())).toBe(false); // other lane ids
    expect(spreadRunSchema.safeParse(buildSpreadRunConfig(back, false)).success).toBe(true);
  });

  it('should move a spread lane on its default schedule to the new loss\u2019s default, and leave a chosen one', () => {
    const [softened, , , coulomb] = defaultSpreadSettings().lanes;
    expect(withSpreadLoss(coulomb!, { loss: 'min-angle', temperatureDeg: 1 }).schedule).toEqual(SPREAD_COOLING);
    expect(withSpreadLoss(softened!, { temperatureDeg: 0 }).schedule).toEqual(CONSTANT_SCHEDULE);
    expect(withSpreadLoss({ ...softened!, schedule: COSINE }, { loss: 'coulomb', temperatureDeg: 0 }).schedule).toEqual(COSINE);
  });

  it('should keep every label within the request\u2019s 80 characters', () => {
    const lane = { ...defaultSpreadSettings().lanes[1]!, optimizer: 'sgd' as const, params: { learningRate: 0.000012345678901, batchSize: 16 }, schedule: resolveSchedule({ name: 'exponential', warmup: 10_000_000 }) };
    expect(optimizerLaneLabel(lane)).toBe('SGD (mini-batch) (lr 0.000012345678901, warm-up 10000000, exponential)');
    const label = buildSpreadRunConfig({ ...defaultSpreadSettings(), lanes: [lane] }, false).lanes[0]!.label!;
    expect(label).toHaveLength(80);
    expect(label.endsWith('…')).toBe(true);
  });
});
