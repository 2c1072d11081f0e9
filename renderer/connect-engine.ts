import { getDesktopApi } from './desktop-bridge';
import type { EngineClient } from './engine-client';
import { IpcEngineClient } from './ipc-engine-client';
import { WebSocketEngineClient } from './websocket-engine-client';

/** IPC inside Electron (the preload exposes `window.descent`), otherwise the server's socket. */
export function connectEngine(): EngineClient {
  const api = getDesktopApi();
  return api ? new IpcEngineClient(api) : new WebSocketEngineClient(engineSocketUrl());
}

function engineSocketUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}
