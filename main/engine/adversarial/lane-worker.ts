/**
 * A lane worker (lane-workers.ts): its own TensorFlow.js, backend and copy of the model, holding
 * some lanes of the window's runs (a set per run, by id) and stepping a set's lanes together
 * when asked. Each reply goes on the port the engine's thread reads synchronously, then the
 * shared flag is raised, so that thread can step its own lanes meanwhile and then wait for these
 * without going back to its event loop. Every request gets exactly one reply, errors included.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { buildAll } from '../lab-driver';
import { AttackRun } from './attack-run';
import type { ImageClassifier } from './image-classifier';
import type { LaneReply, LaneRequest, LaneWorkerData } from './lane-workers';
import { loadWorkerModel } from './worker-model';

const { port, flag, ...model } = workerData as LaneWorkerData & { port: MessagePort };
const sets = new Map<number, AttackRun[]>();

function reply(message: LaneReply): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function free(set: number): void {
  for (const run of sets.get(set) ?? []) run.dispose();
  sets.delete(set);
}

function handle(c: ImageClassifier, req: LaneRequest): LaneReply {
  switch (req.type) {
    case 'create': {
      free(req.set);
      const runs = buildAll(req.specs.length, (i) => new AttackRun(c, req.rgb, req.specs[i]!), (run) => run.dispose());
      sets.set(req.set, runs);
      return { type: 'created', lanes: runs.map((r) => ({ before: r.before, maxSteps: r.maxSteps })) };
    }
    case 'step': {
      const runs = sets.get(req.set);
      if (!runs) throw new Error(`no lanes ${req.set} in this worker`);
      const active = runs.filter((r) => !r.done);
      AttackRun.stepTogether(active);
      return { type: 'stepped', lanes: runs.map((r) => (active.includes(r) ? { latest: r.latest, steps: r.steps, done: r.done, rgb: r.adversarialRgb } : null)) };
    }
    case 'free':
      free(req.set);
      return { type: 'freed' };
  }
}

// An error thrown outside a request (none is expected) must still answer the engine's thread,
// which may be blocked waiting for this worker: it gets the error, and the worker ends.
process.on('uncaughtException', (e) => {
  reply({ type: 'error', message: `the lane worker failed: ${e instanceof Error ? e.message : String(e)}` });
  process.exit(1);
});

loadWorkerModel(model).then(
  (c) => {
    port.on('message', (req: LaneRequest) => {
      let answer: LaneReply;
      try {
        answer = handle(c, req);
      } catch (e) {
        answer = { type: 'error', message: e instanceof Error ? e.message : String(e) };
      }
      reply(answer);
    });
    parentPort!.postMessage({ ready: true });
  },
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);
