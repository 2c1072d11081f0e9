/**
 * The engine behind any transport: takes untrusted requests, validates them, and emits
 * messages. The host process wires it to Electron's parentPort or a Node IPC channel; tests
 * and the CLI use it in-process.
 */
import { readFileSync } from 'node:fs';
import { parseRequest, requestIds, type BackendName, type EngineMessage, type EngineRequest, type ErrorInfo } from '../protocol/messages';
import { APP_VERSION } from '../protocol/app-info';
import { backendFor, useBackendFor } from './backend';
import { parseCsvDataset } from './csv-dataset';
import { defaultDatasetPath } from './default-data';
import { sampleImages } from './adversarial/sample-images';
import { AdversarialBatches } from './labs/adversarial-batch';
import { AdversarialModels } from './labs/adversarial-models';
import { createDriver } from './labs/create-driver';
import { parseVectorsFile } from './labs/spread-vectors-file';
import { surfaceGrid, surfaceProbe } from './labs/surface-grid';
import { describeModel } from './labs/regression-model-driver';
import { findLearningRate, type FinderConfig } from './lr-find';
import { Run } from './run';
import { runSweep } from './tune/sweep';
import { createSweepProblem, useSweepBackend, type SweepLabProblem } from './tune/sweep-labs';
import { errorInfo } from './error-info';

export class Engine {
  private backend: BackendName | undefined;
  private run: Run | undefined;
  private readonly ready: Promise<void>;
  /** Requests are handled one at a time, in order, even when one awaits (a backend switch). */
  private queue: Promise<void> = Promise.resolve();
  /** Made on first use: the adversarial lab's models (its manifest read, its cache). */
  private adversarial: AdversarialModels | undefined;
  /** Sweeps and universal perturbations under way, by requestId: `cancel` sets the flag, each ends at its next chunk or iteration. */
  private readonly cancellable = new Map<string, { cancelled: boolean }>();
  /** "Attack every image" requests in flight, on their worker pools. */
  private readonly batches: AdversarialBatches;

  constructor(
    private readonly emit: (message: EngineMessage) => void,
    private readonly forcedBackend: string | undefined = process.env.DESCENT_BACKEND,
  ) {
    // Report the backend the app's lab will run on (each lab picks its fastest; see backend.ts).
    this.batches = new AdversarialBatches(() => this.models(), emit);
    this.ready = useBackendFor('regression', forcedBackend).then((b) => {
      this.backend = b;
    });
  }

  /** Resolves once the backend is up; rejects if a forced backend cannot load. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  handle(raw: unknown): Promise<void> {
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      this.emit({ type: 'error', ...requestIds(raw), error: parsed.error });
      return this.queue;
    }
    const req = parsed.value;
    // Known by its requestId from now on, so a cancel sent before it leaves the queue counts.
    if (req.type === 'sweep') this.cancellable.set(req.requestId, { cancelled: false });
    // A model download, a batch of attacks or a universal perturbation can take minutes: they
    // run beside the queue (the last two in worker threads), so runs and their controls (and
    // the cancel that stops them) are not held up behind them.
    if (req.type === 'loadModel' || req.type === 'cancel' || req.type === 'attackImages' || req.type === 'universal') return this.handleNow(req);
    this.queue = this.queue.then(() => this.handleNow(req));
    return this.queue;
  }

  private models(): AdversarialModels {
    this.adversarial ??= new AdversarialModels();
    return this.adversarial;
  }

  private async handleNow(req: EngineRequest): Promise<void> {
    try {
      await this.ready;
    } catch (e) {
      this.emit({ type: 'error', error: errorInfo(e) });
      return;
    }
    try {
      await this.dispatch(req);
    } catch (e) {
      this.emit({ type: 'error', ...requestIds(req), error: errorInfo(e) });
    } finally {
      if (req.type === 'sweep') this.cancellable.delete(req.requestId);
    }
  }

  private async dispatch(req: EngineRequest): Promise<void> {
    switch (req.type) {
      case 'hello':
        // A page says hello when it (re)loads: a run or batch it started before is nobody's now.
        this.run?.dispose();
        this.run = undefined;
        this.batches.cancelAll();
        for (const flag of this.cancellable.values()) flag.cancelled = true;
        this.emit({ type: 'ready', backend: this.backend!, version: APP_VERSION });
        return;
      case 'defaultDataset': {
        const dataset = parseCsvDataset(readFileSync(defaultDatasetPath(), 'utf8'), { name: 'Adult men (built-in)' });
        this.emit({ type: 'reply', requestId: req.requestId, dataset });
        return;
      }
      case 'parseCsv': {
        const dataset = parseCsvDataset(req.text, { name: req.name, xColumn: req.xColumn, yColumn: req.yColumn });
        this.emit({ type: 'reply', requestId: req.requestId, dataset });
        return;
      }
      case 'start': {
        // One run at a time, whatever its lab: tfjs has one global backend and each lab picks
        // its own, so another lab's run stops (and says so) before the backend switches. A run
        // of the same lab is replaced only once the new one is built: a bad config throws
        // here and the current run carries on.
        if (this.run && this.run.config.lab !== req.config.lab) this.stopRun();
        const backend = await useBackendFor(req.config.lab, this.forcedBackend);
        const run = new Run(req.runId, req.config, await createDriver(req.config, { models: () => this.models() }), backend, this.emit);
        this.stopRun();
        this.run = run;
        run.start();
        return;
      }
      case 'control':
        this.currentRun(req.runId).control(req.action);
        return;
      case 'setSpeed':
        this.currentRun(req.runId).setSpeed(req.itersPerSecond);
        return;
      case 'parseVectors': {
        const v = parseVectorsFile(req.text, req.name);
        this.emit({ type: 'vectors', requestId: req.requestId, name: req.name, n: v.n, dim: v.dim, vectors: v.vectors });
        return;
      }
      case 'surfaceGrid':
        this.emit({ type: 'surfaceGrid', requestId: req.requestId, ...(await surfaceGrid(req.fn, req.window, req.resolution)) });
        return;
      case 'lrFind': {
        // Like a run, on the lab's backend: another lab's run stops first (one tfjs backend).
        if (this.run && this.run.config.lab !== req.config.lab) this.stopRun();
        await useBackendFor(req.config.lab, this.forcedBackend);
        const r = await findLearningRate(req.config as FinderConfig, req.laneId);
        this.emit({ type: 'lrFind', requestId: req.requestId, laneId: req.laneId, learningRates: Float64Array.from(r.learningRates), losses: Float64Array.from(r.losses), start: r.start, suggested: r.suggested });
        return;
      }
      case 'surfaceProbe':
        this.emit({ type: 'surfaceProbe', requestId: req.requestId, ...(await surfaceProbe(req.fn, req.point)) });
        return;
      case 'regressionModel':
        this.emit({ type: 'regressionModel', requestId: req.requestId, ...(await describeModel(req)) });
        return;
      case 'listModels':
        this.emit({ type: 'models', requestId: req.requestId, models: await this.models().list() });
        return;
      case 'loadModel': {
        const { requestId } = req;
        const model = await this.models().load(requestId, req.model, (progress) => this.emit({ type: 'modelProgress', requestId, progress }));
        this.emit({ type: 'modelReady', requestId, model });
        return;
      }
      case 'cancel': {
        if (!this.batches.cancel(req.requestId)) this.adversarial?.cancel(req.requestId);
        const flag = this.cancellable.get(req.requestId);
        if (flag) flag.cancelled = true;
        return;
      }
      case 'attackImages':
        // The workers run on the lab's backend, whatever the engine's own thread runs now.
        await this.batches.run(req, () => backendFor('adversarial', this.forcedBackend));
        return;
      case 'sweep': {
        // One backend at a time, as for a run: another lab's run stops first.
        if (this.run && this.run.config.lab !== req.problem.lab) this.stopRun();
        await useSweepBackend(req.problem.lab, this.forcedBackend);
        const { requestId, iterations } = req;
        const problem = await createSweepProblem(req.problem as SweepLabProblem, req.grid.optimizer, req.grid.params);
        const flag = this.cancellableFlag(requestId);
        try {
          const result = await runSweep(problem, req.grid, {
            iterations,
            tolerance: req.tolerance,
            onProgress: (done, lossSoFar) => this.emit({ type: 'sweepProgress', requestId, done, iterations, lossSoFar }),
            cancelled: () => flag.cancelled,
          });
          if (result) this.emit({ type: 'sweepResult', requestId, result });
          else this.emit({ type: 'error', requestId, error: { name: 'Cancelled', message: 'the sweep was cancelled' } });
        } finally {
          problem.dispose();
        }
        return;
      }
      case 'universal':
        // In a worker of its own, on the lab's backend, whatever the engine's own thread runs now.
        await this.batches.universal(req, () => backendFor('adversarial', this.forcedBackend));
        return;
      case 'addModelFolder': {
        const model = await this.models().addFolder(req.name, req.files, req.inputScaling);
        this.emit({ type: 'models', requestId: req.requestId, models: [model] });
        return;
      }
      case 'decodeImage': {
        const image = await this.models().decode(req.name, req.bytes, req.width, req.height);
        this.emit({ type: 'image', requestId: req.requestId, image });
        return;
      }
      case 'sampleImages':
        this.emit({ type: 'sampleImages', requestId: req.requestId, images: await sampleImages() });
        return;
      case 'encodePng':
        this.emit({ type: 'png', requestId: req.requestId, bytes: await this.models().png(req.rgb, req.width, req.height) });
        return;
    }
  }

  private cancellableFlag(requestId: string): { cancelled: boolean } {
    let flag = this.cancellable.get(requestId);
    if (!flag) this.cancellable.set(requestId, (flag = { cancelled: false }));
    return flag;
  }

  private stopRun(): void {
    this.run?.control('stop');
    this.run?.dispose();
    this.run = undefined;
  }

  private currentRun(runId: string): Run {
    if (!this.run || this.run.runId !== runId) throw new Error(`no run "${runId}" (it may have been replaced)`);
    return this.run;
  }

  dispose(): void {
    this.batches.cancelAll();
    for (const flag of this.cancellable.values()) flag.cancelled = true;
    this.run?.dispose();
    this.run = undefined;
    void this.adversarial?.dispose();
    this.adversarial = undefined;
  }
}
