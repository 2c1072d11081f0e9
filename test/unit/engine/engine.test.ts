import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine';
import { FRAME_INTERVAL_MS, Run } from '../../../main/engine/run';
import { RegressionDriver } from '../../../main/engine/labs/regression-driver';
import type { EngineMessage, RegressionFrame, RegressionRunConfig } from '../../../main/protocol/messages';

function harness() {
  const messages: EngineMessage[] = [];
  const engine = new Engine((m) => messages.push(m), 'cpu');
  const waitFor = async (pred: (m: EngineMessage) => boolean, timeoutMs = 20_000): Promise<EngineMessage> => {
    const t0 = Date.now();
    for (;;) {
      const found = messages.find(pred);
      if (found) return found;
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a message');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { engine, messages, waitFor };
}

const runConfig = (maxIterations: number, paused = false): RegressionRunConfig => ({
  lab: 'regression',
  problem: { x: new Float64Array([60, 65, 70, 75]), y: new Float64Array([150, 170, 180, 205]), normalize: true, initSlope: 0, initIntercept: 0 },
  lanes: [
    { id: 'gd', optimizer: 'gd', params: { learningRate: 0.1 } },
    { id: 'adam', optimizer: 'adam', params: { learningRate: 0.05 } },
  ],
  maxIterations,
  itersPerSecond: 0,
  seed: 1,
  paused,
});

/** These tests run the regression lab only. */
const frames = (messages: EngineMessage[]) => messages.filter((m): m is RegressionFrame => m.type === 'frame' && m.lab === 'regression');

describe('engine', () => {
  it('should say which backend runs', async () => {
    const { engine, waitFor } = harness();
    await engine.handle({ type: 'hello' });
    expect(await waitFor((m) => m.type === 'ready')).toMatchObject({ backend: 'cpu' });
  });

  it('should stream every iteration of every lane, none lost when frames are coalesced', async () => {
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'r', config: runConfig(5000) });
    await waitFor((m) => m.type === 'frame' && m.status === 'done');
    const fs = frames(messages);
    expect(fs.length).toBeGreaterThan(1);
    for (const lane of ['gd', 'adam']) {
      const batches = fs.map((f) => f.lanes.find((l) => l.id === lane)!);
      let next = 0;
      for (const b of batches) {
        expect(b.from).toBe(next); // contiguous: each frame starts where the last one ended
        next += b.loss.length;
      }
      expect(next).toBe(5001); // iteration 0 (the start) plus 5,000 steps
    }
    expect(fs.at(-1)!.iteration).toBe(5000);
    engine.dispose();
  });

  it('should start paused, single-step, resume, stop and reset on request', async () => {
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'r', config: runConfig(1_000_000, true) });
    await waitFor((m) => m.type === 'frame');
    expect(frames(messages).at(-1)).toMatchObject({ iteration: 0, status: 'paused' });
    await engine.handle({ type: 'control', runId: 'r', action: 'step' });
    await engine.handle({ type: 'control', runId: 'r', action: 'step' });
    expect(frames(messages).at(-1)).toMatchObject({ iteration: 2, status: 'paused' });
    await engine.handle({ type: 'control', runId: 'r', action: 'resume' });
    // Resuming is announced at once, before any new iteration (slow paces wait a while).
    expect(frames(messages).at(-1)).toMatchObject({ iteration: 2, status: 'running' });
    await new Promise((r) => setTimeout(r, 100));
    await engine.handle({ type: 'control', runId: 'r', action: 'pause' });
    const paused = frames(messages).at(-1)!;
    expect(paused.status).toBe('paused');
    expect(paused.iteration).toBeGreaterThan(2);
    messages.length = 0;
    await engine.handle({ type: 'control', runId: 'r', action: 'reset' });
    expect(messages.map((m) => m.type)).toEqual(['runStarted', 'frame']);
    expect(frames(messages)[0]).toMatchObject({ iteration: 0, status: 'paused' });
    await engine.handle({ type: 'control', runId: 'r', action: 'stop' });
    expect(frames(messages).at(-1)!.status).toBe('stopped');
    engine.dispose();
  });

  it('should answer a bad request with a clear error and leave the current run alone', async () => {
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'good', config: runConfig(1_000_000, true) });
    await waitFor((m) => m.type === 'frame');
    const bad = runConfig(10);
    bad.lanes[0]!.params = { learningRate: -1 };
    await engine.handle({ type: 'start', runId: 'bad', config: bad });
    const err = await waitFor((m) => m.type === 'error');
    expect(err).toMatchObject({ runId: 'bad', error: { name: 'InvalidRequest', message: expect.stringMatching(/learningRate/) } });
    await engine.handle({ type: 'control', runId: 'good', action: 'step' });
    expect(frames(messages).at(-1)).toMatchObject({ runId: 'good', iteration: 1 });
    await engine.handle({ type: 'parseCsv', requestId: 'q', name: 'x.csv', text: 'a,b\nfoo,bar\n1,x\n' });
    expect(messages.at(-1)).toMatchObject({ type: 'error', requestId: 'q', error: { name: 'CsvError' } });
    await engine.handle({ type: 'start', runId: 'r', config: { lab: 'regression' } });
    expect(messages.at(-1)).toMatchObject({ type: 'error', runId: 'r', error: { name: 'InvalidRequest' } });
    engine.dispose();
  });

  it('should stop a running run when a (reloaded) page says hello', async () => {
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'old', config: runConfig(1_000_000) });
    await waitFor((m) => m.type === 'frame');
    await engine.handle({ type: 'hello' });
    const count = messages.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(messages.length).toBe(count); // no frames after the ready message
    expect(messages.at(-1)!.type).toBe('ready');
    await engine.handle({ type: 'control', runId: 'old', action: 'resume' });
    expect(messages.at(-1)).toMatchObject({ type: 'error', runId: 'old' });
  });

  it('should hold a speed-limited run to its pace, with no empty frames, until setSpeed lifts it', async () => {
    // At 0.001 it/s the first step is 1,000 s away, however busy the machine: the run sends its
    // start and then nothing. run.test.ts checks the pacing arithmetic itself on a fake clock.
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'slow', config: { ...runConfig(300), itersPerSecond: 0.001 } });
    await waitFor((m) => m.type === 'frame');
    await new Promise((r) => setTimeout(r, 100));
    expect(frames(messages).map((f) => [f.iteration, f.status, f.lanes[0]!.loss.length])).toEqual([[0, 'running', 1]]);
    await engine.handle({ type: 'setSpeed', runId: 'slow', itersPerSecond: 0 });
    await waitFor((m) => m.type === 'frame' && m.status === 'done');
    expect(frames(messages).at(-1)!.iteration).toBe(300);
    engine.dispose();
  });

  it('should send at most about one frame per display refresh when running flat out', async () => {
    const { engine, messages } = harness();
    await engine.handle({ type: 'start', runId: 'fast', config: runConfig(1_000_000) });
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 600));
    await engine.handle({ type: 'control', runId: 'fast', action: 'stop' });
    const elapsedMs = performance.now() - t0;
    const fs = frames(messages);
    // Frames leave at least FRAME_INTERVAL_MS − 1 ms apart (run.ts), plus the first and the stop frame.
    expect(fs.length).toBeLessThanOrEqual(Math.floor(elapsedMs / (FRAME_INTERVAL_MS - 1)) + 2);
    expect(fs.at(-1)!.iteration).toBeGreaterThan(fs.length); // many iterations per frame
    engine.dispose();
  });

  it('should reject a lane with bad hyper-parameters at validation, naming it', async () => {
    const { engine, messages } = harness();
    const bad = runConfig(10);
    bad.lanes[1]!.params = { beta1: 5 };
    await engine.handle({ type: 'start', runId: 'bad', config: bad });
    expect(messages.at(-1)).toMatchObject({
      type: 'error',
      runId: 'bad',
      error: { name: 'InvalidRequest', message: expect.stringMatching(/config\.lanes\.1\.params: adam beta1 must be/) },
    });
  });

  it('should free what it built when a run cannot be built', async () => {
    const { engine } = harness();
    await engine.whenReady();
    const before = tf.memory().numTensors;
    const bad = runConfig(10);
    bad.lanes[1]!.params = { beta1: 5 }; // past validation (constructed directly), fails in the second lane
    expect(() => new Run('r', bad, new RegressionDriver(bad), 'cpu', () => {})).toThrow(/beta1/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('should serve the built-in 150-man data set', async () => {
    const { engine, waitFor } = harness();
    await engine.handle({ type: 'defaultDataset', requestId: 'd' });
    const reply = await waitFor((m) => m.type === 'reply');
    if (reply.type !== 'reply') throw new Error('expected a reply');
    expect(reply.dataset.x.length).toBe(150);
    expect(reply.dataset.skippedCount).toBe(0);
  });

  it('should free every tensor of a run when it is replaced and disposed', async () => {
    const { engine, waitFor, messages } = harness();
    await engine.whenReady();
    const before = tf.memory().numTensors;
    await engine.handle({ type: 'start', runId: 'a', config: runConfig(200) });
    await waitFor((m) => m.type === 'frame' && m.status === 'done');
    messages.length = 0;
    await engine.handle({ type: 'start', runId: 'b', config: runConfig(200) });
    await waitFor((m) => m.type === 'frame' && m.status === 'done');
    engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
