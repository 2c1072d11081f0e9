import type { Dataset, EngineMessage, EngineRequest, VectorsReply } from '../main/protocol/messages';
import type { EngineClient } from './engine-client';

type Asking = Extract<EngineRequest, { requestId: string }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;
type Reply = Exclude<Extract<EngineMessage, { requestId: string }>, { type: 'error' }>;

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
export function requestReply(client: EngineClient, req: WithoutId<Asking>): Promise<Reply> {
  const requestId = `req-${nextRequest++}-${Date.now().toString(36)}`;
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new EngineError('Timeout', 'the engine did not answer within a minute'));
    }, TIMEOUT_MS);
    const off = client.onMessage((m) => {
      if (!('requestId' in m) || m.requestId !== requestId) return;
      clearTimeout(timer);
      off();
      if (m.type === 'error') reject(new EngineError(m.error.name, m.error.message));
      else resolve(m as Reply);
    });
    client.send({ ...req, requestId } as Asking);
  });
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
