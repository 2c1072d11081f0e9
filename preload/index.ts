/**
 * The only door from the page to the app. It runs sandboxed, so it imports nothing but
 * 'electron' (the protocol constants are bundled in). The page gets small verbs, never
 * ipcRenderer, and every listener it registers can be removed again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  CHANNELS,
  isFileKind,
  MENU_COMMANDS,
  type DesktopApi,
  type MenuCommand,
  type OpenedFile,
  type OpenedSession,
  type SaveSessionResult,
} from '../main/protocol/desktop-api';

function subscribe<T>(channel: string, accept: (payload: unknown) => payload is T, listener: (payload: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => {
    if (accept(payload)) listener(payload);
  };
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const anything = (_payload: unknown): _payload is unknown => true;
const isMenuCommand = (payload: unknown): payload is MenuCommand => (MENU_COMMANDS as readonly unknown[]).includes(payload);
const isOpenedFile = (payload: unknown): payload is OpenedFile => {
  if (typeof payload !== 'object' || payload === null) return false;
  const f = payload as OpenedFile;
  return isFileKind(f.kind) && typeof f.name === 'string' && (typeof f.text === 'string' || f.bytes instanceof Uint8Array);
};

const isOpenedSession = (payload: unknown): payload is OpenedSession =>
  typeof payload === 'object' && payload !== null && typeof (payload as OpenedSession).name === 'string' && (payload as OpenedSession).bytes instanceof Uint8Array;

/**
 * Sessions main opens at start-up (a double-clicked file) can arrive before the page has
 * registered its listener (React effects run after the load): hold them until one does.
 */
const heldSessions: OpenedSession[] = [];
const sessionListeners = new Set<(s: OpenedSession) => void>();
ipcRenderer.on(CHANNELS.sessionOpened, (_event: IpcRendererEvent, payload: unknown) => {
  if (!isOpenedSession(payload)) return;
  if (sessionListeners.size === 0) heldSessions.push(payload);
  for (const l of sessionListeners) l(payload);
});

const api: DesktopApi = {
  send: (request) => ipcRenderer.send(CHANNELS.engineRequest, request),
  onMessage: (listener) => subscribe(CHANNELS.engineMessage, anything, listener),
  onMenu: (listener) => subscribe(CHANNELS.menu, isMenuCommand, listener),
  onFileOpened: (listener) => subscribe(CHANNELS.fileOpened, isOpenedFile, listener),
  openFileDialog: (kind) => ipcRenderer.send(CHANNELS.openFileDialog, kind),
  saveSession: (bytes, suggestedName, saveAs) => ipcRenderer.invoke(CHANNELS.saveSession, bytes, suggestedName, saveAs) as Promise<SaveSessionResult>,
  openSessionDialog: () => ipcRenderer.send(CHANNELS.openSessionDialog),
  onSessionOpened: (listener) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    sessionListeners.add(listener);
    for (const held of heldSessions.splice(0)) listener(held);
    return () => {
      sessionListeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('descent', api);
