/**
 * ClassifierStore: one load per model however many runs ask, leases, idle eviction, and a
 * failed load that is retried. Tiny models saved to a temporary folder; no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ClassifierStore } from '../../../../main/engine/adversarial/classifier-store';
import { ModelNotAvailableError } from '../../../../main/engine/adversarial/model-registry';
import { saveModel, tinyConvModel } from './tiny-models';

const tmp = mkdtempSync(join(tmpdir(), 'descent-store-'));
const [a, b, c] = ['a', 'b', 'c'].map((n) => join(tmp, n)) as [string, string, string];

beforeAll(async () => {
  for (const dir of [a, b, c]) {
    const model = tinyConvModel();
    await saveModel(model, dir);
    model.dispose();
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ClassifierStore', () => {
  it('loads a model once: concurrent and later acquires share one classifier', async () => {
    const store = new ClassifierStore({ modelsDir: undefined });
    const tensors = tf.memory().numTensors;
    const [one, two] = await Promise.all([store.acquire(a), store.acquire(a)]);
    expect(two.classifier).toBe(one.classifier);
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(tensors);
    one.release();
    two.release();
    const three = await store.acquire(a);
    expect(three.classifier).toBe(one.classifier);
    expect(tf.memory().numTensors).toBe(loaded);
    three.release();
    await store.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a different input scaling for the same folder is a different model', async () => {
    const store = new ClassifierStore({ modelsDir: undefined });
    const x = await store.acquire(a, { inputScaling: 'pixel/255' });
    const y = await store.acquire(a, { inputScaling: 'pixel/127.5-1' });
    expect(y.classifier).not.toBe(x.classifier);
    expect(store.size).toBe(2);
    await store.dispose();
  });

  it('keeps at most keepIdle unleased models, disposing the least recently used; leased ones stay', async () => {
    const store = new ClassifierStore({ modelsDir: undefined }, 1);
    const tensors = tf.memory().numTensors;
    const la = await store.acquire(a);
    const perModel = tf.memory().numTensors - tensors;
    const lb = await store.acquire(b);
    const lc = await store.acquire(c);
    expect(store.size).toBe(3);
    lb.release(); // idle: b
    la.release(); // idle: b, a (a most recent) → b goes
    await new Promise((r) => setTimeout(r, 0));
    expect(store.size).toBe(2);
    expect(tf.memory().numTensors).toBe(tensors + 2 * perModel);
    // Still leased: usable.
    const zeros = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(lc.classifier.probabilities(zeros)).toHaveLength(3);
    zeros.dispose();
    lc.release();
    lc.release(); // idempotent
    await new Promise((r) => setTimeout(r, 0));
    expect(store.size).toBe(1);
    const again = await store.acquire(c);
    expect(again.classifier).toBe(lc.classifier);
    again.release();
    await store.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a failed load is not cached: the error is thrown, and the next acquire tries again', async () => {
    const store = new ClassifierStore({ modelsDir: undefined });
    await expect(store.acquire('darknet-tiny')).rejects.toThrow(ModelNotAvailableError);
    expect(store.size).toBe(0);
    await expect(store.acquire(join(tmp, 'nothing-here'))).rejects.toThrow(/no model.json|unknown model/);
    expect(store.size).toBe(0);
    await store.dispose();
  });
});
