/**
 * Every request the page makes that gets one reply (datasets, vectors files, models, images,
 * PNGs, the Surface lab's grids and probes, the Regression lab's model checks, the
 * learning-rate finder, sweeps and universal perturbations): sent through the EngineClient, matched by requestId, the reply's type
 * checked. Runs and their frames go through run/use-lab-run.ts.
 */
import type { ModelDownloadProgress } from '../main/protocol/adversarial';
import type {
  Dataset,
  DecodedImage,
  EngineMessage,
  EngineRequest,
  LrFindReply,
  ModelEntry,
  ModelInfo,
  RegressionModelReply,
  SurfaceGridReply,
  SurfaceProbeReply,
  UniversalProgressMessage,
  UniversalResultMessage,
  VectorsReply,
} from '../main/protocol/messages';
import type { SweepResult } from '../main/protocol/sweep';
import type { EngineClient } from './engine-client';

type Asking = Extract<EngineRequest, { requestId: string }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;
/** Messages that report on a request before its one reply (a model download, a sweep). */
type Progress = Extract<EngineMessage, { type: 'modelProgress' | 'sweepProgress' | 'universalProgress' }>;
type Reply = Exclude<Extract<EngineMessage, { requestId: string }>, { type: 'error' } | Progress>;

/** Parsing 64 MiB of CSV takes a few seconds; much longer means the engine is gone. */
const TIMEOUT_MS = 60_000;
let nextRequest = 1;

/** Error thrown when the engine answers a request with `{ type: 'error' }`. */
export class EngineError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** One request, one reply: the engine's answer matched by `requestId`. */
export function requestReply(client: EngineClient, req: WithoutId<Asking>, onProgress?: (p: Progress) => void): Promise<Reply> {
  return ask(client, req, onProgress).reply;
}

/**
 * requestReply's one implementation, which also says the requestId it used (a loadModel or a
 * sweep is cancelled by it). A model download or a sweep reports progress before its one
 * reply: each report goes to `onProgress` and restarts the timeout, so a slow but moving
 * download or sweep is never cut off.
 */
function ask(client: EngineClient, req: WithoutId<Asking>, onProgress?: (p: Progress) => void): { requestId: string; reply: Promise<Reply> } {
  const requestId = `req-${nextRequest++}-${Date.now().toString(36)}`;
  const reply = new Promise<Reply>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        off();
        reject(new EngineError('Timeout', 'the engine did not answer within a minute'));
      }, TIMEOUT_MS);
    };
    const off = client.onMessage((m) => {
      if (!('requestId' in m) || m.requestId !== requestId) return;
      if (m.type === 'modelProgress' || m.type === 'sweepProgress' || m.type === 'universalProgress') {
        arm();
        onProgress?.(m);
        return;
      }
      clearTimeout(timer);
      off();
      if (m.type === 'error') reject(new EngineError(m.error.name, m.error.message));
      else resolve(m as Reply);
    });
    arm();
    client.send({ ...req, requestId } as Asking);
  });
  return { requestId, reply };
}

function expect<T extends Reply['type']>(type: T) {
  return (m: Reply): Extract<Reply, { type: T }> => {
    if (m.type !== type) throw new EngineError('ProtocolError', `expected a ${type} reply, got ${m.type}`);
    return m as Extract<Reply, { type: T }>;
  };
}

export function requestDataset(client: EngineClient, req: WithoutId<Extract<Asking, { type: 'parseCsv' | 'defaultDataset' }>>): Promise<Dataset> {
  return requestReply(client, req).then(expect('reply')).then((m) => m.dataset);
}

export function requestVectors(client: EngineClient, name: string, text: string): Promise<VectorsReply> {
  return requestReply(client, { type: 'parseVectors', name, text }).then(expect('vectors'));
}

export function requestModels(client: EngineClient): Promise<ModelEntry[]> {
  return requestReply(client, { type: 'listModels' }).then(expect('models')).then((m) => m.models);
}

/** Loads (downloading first if need be) a model; `cancel()` aborts a download in flight. */
export function loadModel(client: EngineClient, model: string, onProgress: (p: ModelDownloadProgress) => void): { done: Promise<ModelInfo>; cancel: () => void } {
  const { requestId, reply } = ask(client, { type: 'loadModel', model }, (m) => m.type === 'modelProgress' && onProgress(m.progress));
  return {
    done: reply.then(expect('modelReady')).then((m) => m.model),
    cancel: () => client.send({ type: 'cancel', requestId }),
  };
}

/** A model folder the user picked, as its files' paths and bytes; the engine answers with its entry. */
export function addModelFolder(client: EngineClient, folder: Omit<Extract<Asking, { type: 'addModelFolder' }>, 'requestId' | 'type'>): Promise<ModelEntry> {
  return requestReply(client, { type: 'addModelFolder', ...folder })
    .then(expect('models'))
    .then((m) => {
      const entry = m.models[0];
      if (!entry) throw new EngineError('ProtocolError', 'the engine added no model');
      return entry;
    });
}

export function decodeImage(client: EngineClient, name: string, bytes: Uint8Array, width: number, height: number): Promise<DecodedImage> {
  return requestReply(client, { type: 'decodeImage', name, bytes, width, height }).then(expect('image')).then((m) => m.image);
}

/** The sample photos that ship with the app (a cat and a dog), as files. */
export function requestSampleImages(client: EngineClient): Promise<{ name: string; bytes: Uint8Array }[]> {
  return requestReply(client, { type: 'sampleImages' })
    .then(expect('sampleImages'))
    .then((m) => m.images);
}

/** The engine's PNG of 8-bit RGB rows: the exact bytes a saved adversarial image holds. */
export function encodePng(client: EngineClient, rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  return requestReply(client, { type: 'encodePng', rgb, width, height }).then(expect('png')).then((m) => m.bytes);
}

/** f over a grid of a window (the Surface lab's views), or the engine's FormulaError saying what and where. */
export function requestSurfaceGrid(client: EngineClient, req: WithoutId<Extract<Asking, { type: 'surfaceGrid' }>>): Promise<SurfaceGridReply> {
  return requestReply(client, req).then(expect('surfaceGrid'));
}

/** f and its gradient at one point, in float64 (the Surface lab's hover readout). */
export function requestSurfaceProbe(client: EngineClient, req: WithoutId<Extract<Asking, { type: 'surfaceProbe' }>>): Promise<SurfaceProbeReply> {
  return requestReply(client, req).then(expect('surfaceProbe'));
}

/**
 * A hyper-parameter sweep: `onProgress` gets the iterations done and every cell's loss so far
 * (a partial heatmap); `cancel()` ends it (the promise then rejects with an EngineError named
 * Cancelled).
 */
export function runSweepRequest(
  client: EngineClient,
  req: WithoutId<Extract<Asking, { type: 'sweep' }>>,
  onProgress: (done: number, iterations: number, lossSoFar: Float64Array) => void,
): { done: Promise<SweepResult>; cancel: () => void } {
  const { requestId, reply } = ask(client, req, (m) => m.type === 'sweepProgress' && onProgress(m.done, m.iterations, m.lossSoFar));
  return {
    done: reply.then(expect('sweepResult')).then((m) => m.result),
    cancel: () => client.send({ type: 'cancel', requestId }),
  };
}

/**
 * A universal perturbation per ε over a set of images: `onProgress` hears every iteration's
 * fooling rate; `cancel()` ends it within an iteration (the promise then rejects with an
 * EngineError named Cancelled).
 */
export function runUniversalRequest(
  client: EngineClient,
  req: WithoutId<Extract<Asking, { type: 'universal' }>>,
  onProgress: (p: UniversalProgressMessage) => void,
): { done: Promise<UniversalResultMessage>; cancel: () => void } {
  const { requestId, reply } = ask(client, req, (m) => m.type === 'universalProgress' && onProgress(m));
  return {
    done: reply.then(expect('universalResult')),
    cancel: () => client.send({ type: 'cancel', requestId }),
  };
}

/** A Regression model over the data (parameters, exact fit, curves, a loss grid), or the engine's FormulaError saying what and where. */
export function requestRegressionModel(client: EngineClient, req: WithoutId<Extract<Asking, { type: 'regressionModel' }>>): Promise<RegressionModelReply> {
  return requestReply(client, req).then(expect('regressionModel'));
}

/** The learning-rate range test on one lane of a run's config (protocol/lr-finder.ts). */
export function requestLrFind(client: EngineClient, req: WithoutId<Extract<Asking, { type: 'lrFind' }>>): Promise<LrFindReply> {
  return requestReply(client, req).then(expect('lrFind'));
}
