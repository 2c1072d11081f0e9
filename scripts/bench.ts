/**
 * `npm run bench`: regression iterations per second for 1 and 6 lanes on every backend that
 * loads here, and the frame rate a WebSocket client receives from the headless server; then
 * the attack, spread and surface labs (bench-*.ts).
 * Prints figures; asserts nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { EngineMessage, RunConfig } from '../main/protocol/messages';
import type { OptimizerName } from '../main/protocol/optimizers';
import { availableBackends } from './bench-backends';
import { parseCsvDataset } from '../main/engine/csv-dataset';
import { defaultDatasetPath } from '../main/engine/default-data';
import { RegressionLab } from '../main/engine/labs/regression';
import { decodeMessage, encodeMessage } from '../main/protocol/codec';
import { startServer } from '../main/headless-server';

const dataset = parseCsvDataset(readFileSync(defaultDatasetPath(), 'utf8'));
const problem = { x: dataset.x, y: dataset.y, normalize: true, initSlope: 0, initIntercept: 0 };
const SIX: OptimizerName[] = ['gd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamax'];

function stepsPerSecond(optimizers: OptimizerName[], seconds: number): number {
  const lab = new RegressionLab(problem);
  const lanes = optimizers.map((o, i) => lab.createLane({ id: `l${i}`, optimizer: o, params: { learningRate: 1e-3 } }, 1));
  for (let i = 0; i < 300; i++) for (const lane of lanes) lane.step(); // warm-up: kernels, JIT
  const before = tf.memory().numTensors;
  let iterations = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let k = 0; k < 100; k++) for (const lane of lanes) lane.step();
    iterations += 100;
  }
  const rate = iterations / ((performance.now() - t0) / 1000);
  if (tf.memory().numTensors !== before) throw new Error('tensor count grew during the benchmark');
  for (const lane of lanes) lane.dispose();
  lab.dispose();
  return rate;
}

async function frameRate(backend: string, seconds: number): Promise<{ fps: number; itersPerSecond: number; complete: boolean }> {
  const server = await startServer({ host: '127.0.0.1', port: 0, backend });
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${server.token}`);
  ws.binaryType = 'nodebuffer';
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  const config: RunConfig = {
    lab: 'regression',
    problem,
    lanes: SIX.map((o, i) => ({ id: `l${i}`, optimizer: o, params: { learningRate: 1e-3 } })),
    maxIterations: 1_000_000,
    itersPerSecond: 0,
    seed: 1,
  };
  let frames = 0;
  let firstMs = 0;
  let lastMs = 0;
  let received = 0;
  let lastIteration = 0;
  ws.on('message', (data: Buffer) => {
    const m = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as EngineMessage;
    if (m.type !== 'frame' || m.lab !== 'regression') return;
    if (!frames) firstMs = performance.now();
    lastMs = performance.now();
    frames++;
    received += m.lanes[0]!.loss.length;
    lastIteration = m.iteration;
  });
  ws.send(encodeMessage({ type: 'start', runId: 'bench', config }));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  ws.send(encodeMessage({ type: 'control', runId: 'bench', action: 'pause' }));
  await new Promise((r) => setTimeout(r, 300));
  ws.close();
  await server.close();
  const span = (lastMs - firstMs) / 1000;
  return { fps: (frames - 1) / span, itersPerSecond: lastIteration / span, complete: received === lastIteration + 1 };
}

async function main(): Promise<void> {
  console.log(`Descent Lab benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
  console.log('regression, 150 points, normalised, steps/s (higher is better)');
  for await (const name of availableBackends()) {
    const adam1 = stepsPerSecond(['adam'], 3);
    const gd1 = stepsPerSecond(['gd'], 2);
    const six = stepsPerSecond(SIX, 3);
    console.log(
      `  ${name.padEnd(10)} 1 lane adam ${adam1.toFixed(0).padStart(6)} it/s | 1 lane gd ${gd1.toFixed(0).padStart(6)} it/s | 6 lanes ${six.toFixed(0).padStart(6)} it/s (${(six * 6).toFixed(0)} lane-steps/s)`,
    );
  }
  const backend = process.env.DESCENT_BACKEND ?? 'cpu';
  const f = await frameRate(backend, 3);
  console.log(
    `frames to a WebSocket client, 6 lanes flat out on ${backend}: ${f.fps.toFixed(1)} frames/s, ${f.itersPerSecond.toFixed(0)} it/s delivered, every iteration received: ${f.complete}`,
  );
  await (await import('./bench-attack')).benchAttack();
  await (await import('./bench-attack')).benchAttackLanes();
  await (await import('./bench-attack')).benchAttackPool();
  await (await import('./bench-spread')).benchSpread();
  await (await import('./bench-surface')).benchSurface();
  await (await import('./bench-sweep')).benchSweep();
}

void main();
