/**
 * The one interface the UI talks to the engine through. It does not know whether messages
 * travel over Electron IPC (the desktop app) or a WebSocket (the headless server in any
 * browser); `connectEngine` (connect-engine.ts) picks the transport once, at start.
 */
import type { EngineMessage, EngineRequest } from '../main/protocol/messages';

/** `stopped`: the server gave up on an engine that kept dying; nothing reconnects until a reload. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'stopped';

export interface EngineClient {
  send(req: EngineRequest): void;
  /** Returns an unsubscribe function. */
  onMessage(cb: (m: EngineMessage) => void): () => void;
  /** Transport state, for the status bar; called at once with the current state. */
  onConnection(cb: (state: ConnectionState) => void): () => void;
}

/**
 * The engine is trusted, but a transport can still hand us garbage (a proxy, a half-built
 * server); dropping anything without a string `type` keeps one bad frame from throwing in
 * every listener.
 */
export function looksLikeEngineMessage(m: unknown): m is EngineMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
