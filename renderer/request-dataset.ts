import type { Dataset, EngineRequest } from '../main/protocol/messages';
import type { EngineClient } from './engine-client';

type DatasetRequest = Extract<EngineRequest, { type: 'parseCsv' | 'defaultDataset' }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

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

/** One request, one reply: matches the engine's answer by `requestId`. */
export function requestDataset(client: EngineClient, req: WithoutId<DatasetRequest>): Promise<Dataset> {
  const requestId = `req-${nextRequest++}-${Date.now().toString(36)}`;
  return new Promise<Dataset>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new EngineError('Timeout', 'the engine did not answer within a minute'));
    }, TIMEOUT_MS);
    const off = client.onMessage((m) => {
      if (m.type === 'reply' && m.requestId === requestId) {
        clearTimeout(timer);
        off();
        resolve(m.dataset);
      } else if (m.type === 'error' && m.requestId === requestId) {
        clearTimeout(timer);
        off();
        reject(new EngineError(m.error.name, m.error.message));
      }
    });
    client.send({ ...req, requestId } as DatasetRequest);
  });
}
