/**
 * A run's lanes dealt over the cores (lane-workers.ts): with two cores, the engine's thread steps
 * some lanes and a lane worker the others, and every frame is the one-thread run's, byte for byte
 * (timings aside), for methods that finish early and late; a run never waits for a worker's
 * model load (the first steps on one thread while the worker starts); a run on the same model
 * takes the worker already warm; a worker lost mid-run fails that step with the reason, and a
 * fresh worker replaces it. Real MobileNet and a real photo on wasm (skipped without ../shared).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { loadImageFile } from '../../../../main/engine/adversarial/image-io';
import { canBlock, LaneWorker, LaneWorkers } from '../../../../main/engine/adversarial/lane-workers';
import type { WorkerModel } from '../../../../main/engine/adversarial/worker-model';
import { AdversarialDriver, dealLanes } from '../../../../main/engine/labs/adversarial-driver';
import { AdversarialModels } from '../../../../main/engine/labs/adversarial-models';
import type { AdversarialLaneBatch, AdversarialRunConfig, AdversarialRunStarted, AttackLaneConfig } from '../../../../main/protocol/messages';
import { SAMPLE_PHOTOS, SHARED_MODELS_DIR, skipRealModels } from './shared-models';

const MODEL = 'mobilenet_v1_0.75_224';

/** A frame's lanes with their timings zeroed: everything else must match exactly. */
function timeless(lanes: AdversarialLaneBatch[]): AdversarialLaneBatch[] {
  return lanes.map((l) => ({ ...l, reports: l.reports.map((r) => ({ ...r, stepMs: 0 })) }));
}

describe('dealLanes', () => {
  it('should deal every lane once, round-robin, the first group to this thread', () => {
    expect(dealLanes(5, 2)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    expect(dealLanes(8, 4)).toEqual([
      [0, 4],
      [1, 5],
      [2, 6],
      [3, 7],
    ]);
    expect(dealLanes(3, 1)).toEqual([[0, 1, 2]]);
  });
});

describe('LaneWorkers when a worker cannot start', () => {
  it('should give no workers, start one in the background, and after it fails say why once and start no more for that model', async () => {
    const workers = new LaneWorkers();
    const missing = join(tmpdir(), 'descent-no-such-model');
    const model: WorkerModel = {
      backend: 'cpu',
      source: { name: 'missing', displayName: 'Missing model', dir: missing, format: 'layers-model', inputScaling: 'pixel/255', output: 'probabilities', labels: undefined, manifestName: undefined },
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const start = vi.spyOn(LaneWorker, 'start');
    try {
      expect(await workers.take(model, 1)).toEqual([]); // none yet: one starts
      expect(start).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1), { timeout: 60_000, interval: 50 });
      expect(warn.mock.calls[0]![0]).toMatch(/^lanes stay on one thread for Missing model: a lane worker did not start: /);
      expect(await workers.take(model, 1)).toEqual([]);
      expect(start).toHaveBeenCalledTimes(1);
    } finally {
      start.mockRestore();
      warn.mockRestore();
      workers.dispose();
    }
  });
});

describe.skipIf(skipRealModels !== undefined)('lanes dealt to a lane worker (MobileNet, wasm)', () => {
  let cache: string;
  let models: AdversarialModels;
  let config: AdversarialRunConfig;
  let worker: WorkerModel;

  beforeAll(async () => {
    await selectBackend('wasm');
    cache = mkdtempSync(join(tmpdir(), 'descent-lanes-'));
    models = new AdversarialModels(cache, SHARED_MODELS_DIR);
    const rgb = (await loadImageFile(SAMPLE_PHOTOS[1].file, 224, 224)).rgb; // a cat
    const common = { stopAtConfidence: null } as const;
    const lanes: AttackLaneConfig[] = [
      { ...common, id: 'signed', method: 'signed', epsilon: 0, step: 1, iterations: 2, target: { kind: 'group', group: 'dog' } },
      { ...common, id: 'fgsm', method: 'fgsm', epsilon: 4, step: 4, iterations: 1, target: { kind: 'untargeted' } },
      { ...common, id: 'deepfool', method: 'deepfool', epsilon: 0, step: 1, iterations: 2, target: { kind: 'untargeted' }, params: { candidates: 3 } },
      { ...common, id: 'pgd-l2', method: 'pgd-l2', epsilon: 200, step: 80, iterations: 2, target: { kind: 'untargeted' } },
    ];
    const lease = await models.acquire(MODEL); // loaded once: the store keeps it for the runs
    worker = { backend: 'wasm', source: lease.source };
    lease.release();
    config = { lab: 'adversarial', problem: { model: MODEL, image: { name: 'img_1.jpg', width: 224, height: 224, rgb } }, lanes, maxIterations: 2, itersPerSecond: 0, seed: 3 };
  }, 120_000);
  afterAll(async () => {
    await models.dispose();
    rmSync(cache, { recursive: true, force: true });
    await selectBackend('cpu');
  });

  /** Every frame of a run of `driver` to its end, one frame per iteration. */
  function frames(driver: AdversarialDriver): AdversarialLaneBatch[][] {
    driver.createLanes();
    const out = [driver.frame(0, 1, false).lanes as AdversarialLaneBatch[]];
    for (let k = 1; k <= config.maxIterations; k++) {
      for (let i = 0; i < driver.laneCount; i++) driver.stepLane(i);
      out.push(driver.frame(k, k + 1, k === config.maxIterations).lanes as AdversarialLaneBatch[]);
    }
    return out.map(timeless);
  }

  it('should give every frame of the one-thread run, start workers for the next run rather than wait, reuse them warm, and fail a step whose worker is lost', { timeout: 600_000 }, async () => {
    expect(canBlock()).toBe(true);
    const before = tf.memory().numTensors;
    const alone = await AdversarialDriver.create(config, models, 1);
    expect(alone.threads).toBe(1);
    const reference = frames(alone);
    alone.dispose();

    // No worker yet: this run steps on one thread and one starts meanwhile; the next run waits
    // for it (starting) and deals its lanes.
    const cold = await AdversarialDriver.create(config, models, 2);
    expect(cold.threads).toBe(1);
    cold.dispose();
    const dealt = await AdversarialDriver.create(config, models, 2);
    expect(dealt.threads).toBe(2);
    const [held] = await models.laneWorkers.take(worker, 1);
    models.laneWorkers.release(worker);
    expect(frames(dealt)).toEqual(reference);
    expect((dealt.started() as AdversarialRunStarted).lanes.map((l) => l.maxSteps)).toEqual([2, 1, 2, 2]);
    dealt.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The next run takes the same warm worker; losing it mid-run fails the step, with the reason.
    const again = await AdversarialDriver.create(config, models, 2);
    expect(again.threads).toBe(2);
    again.createLanes();
    for (let i = 0; i < again.laneCount; i++) again.stepLane(i);
    await held!.terminate();
    expect(() => again.stepLane(again.laneCount - 1)).toThrow(/a lane worker is gone/);
    // Reset builds its lanes again without the lost worker: all of them here.
    again.disposeLanes();
    again.createLanes();
    expect(again.threads).toBe(1);
    for (let i = 0; i < again.laneCount; i++) again.stepLane(i);
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The run after that finds it gone and starts another; the one after deals over it, with
    // the same frames again.
    const after = await AdversarialDriver.create(config, models, 2);
    expect(after.threads).toBe(1);
    after.dispose();
    const fresh = await AdversarialDriver.create(config, models, 2);
    expect(fresh.threads).toBe(2);
    expect(frames(fresh)).toEqual(reference);
    fresh.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
