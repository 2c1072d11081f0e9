import type { DesktopApi } from '../main/protocol/desktop-api';
import type { EngineMessage, EngineRequest } from '../main/protocol/messages';
import { looksLikeEngineMessage, type ConnectionState, type EngineClient } from './engine-client';

/** Electron transport: structured clone carries typed arrays as they are, so no codec. */
export class IpcEngineClient implements EngineClient {
  constructor(private readonly api: DesktopApi) {}

  send(req: EngineRequest): void {
    this.api.send(req);
  }

  onMessage(cb: (m: EngineMessage) => void): () => void {
    return this.api.onMessage((m) => {
      if (looksLikeEngineMessage(m)) cb(m);
    });
  }

  onConnection(cb: (state: ConnectionState) => void): () => void {
    // Main holds our messages until the engine is up, so the channel is always "open".
    cb('open');
    return () => {};
  }
}
