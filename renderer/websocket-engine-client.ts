import { decodeMessage, encodeMessage } from '../main/protocol/codec';
import { ENGINE_GAVE_UP_CLOSE_CODE } from '../main/protocol/limits';
import type { EngineMessage, EngineRequest } from '../main/protocol/messages';
import { looksLikeEngineMessage, type ConnectionState, type EngineClient } from './engine-client';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 8000;

/**
 * Browser transport to the headless server. Frames are binary (codec.ts) so typed arrays
 * travel as raw bytes. Sends made before the socket opens are queued and go out after the
 * 'open' listeners have run (so their sends, such as App's hello, come first); a dropped
 * socket is retried with backoff, except one the server closed because its engine kept dying;
 * listeners see the state so the UI can say it is reconnecting or stopped.
 */
export class WebSocketEngineClient implements EngineClient {
  private socket: WebSocket | null = null;
  private readonly queue: Uint8Array[] = [];
  private readonly messageListeners = new Set<(m: EngineMessage) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState = 'connecting';
  private retryMs = RETRY_MIN_MS;

  constructor(private readonly url: string) {
    this.open();
  }

  send(req: EngineRequest): void {
    const bytes = encodeMessage(req);
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(bytes);
    else this.queue.push(bytes);
  }

  onMessage(cb: (m: EngineMessage) => void): () => void {
    this.messageListeners.add(cb);
    return () => this.messageListeners.delete(cb);
  }

  onConnection(cb: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(cb);
    cb(this.state);
    return () => this.stateListeners.delete(cb);
  }

  private open(): void {
    this.setState('connecting');
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      // Report 'open' first: App says hello from its listener, and the engine takes a hello
      // as "a page (re)loaded" and drops its run, so it must come before any queued start.
      this.setState('open');
      for (const bytes of this.queue.splice(0)) socket.send(bytes);
    };
    socket.onmessage = (ev: MessageEvent) => this.receive(ev.data);
    socket.onclose = (ev: CloseEvent) => {
      this.socket = null;
      // A fresh connection would only start the same crash loop: the page says so and waits for a reload.
      if (ev.code === ENGINE_GAVE_UP_CLOSE_CODE) return this.setState('stopped');
      this.setState('closed');
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
    this.socket = socket;
  }

  private receive(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) return; // the server only sends binary frames
    let msg: unknown;
    try {
      msg = decodeMessage(new Uint8Array(data));
    } catch (err) {
      console.error('dropped an undecodable engine frame', err);
      return;
    }
    if (!looksLikeEngineMessage(msg)) return;
    for (const cb of this.messageListeners) cb(msg);
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const cb of this.stateListeners) cb(state);
  }
}
