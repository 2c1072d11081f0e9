/**
 * Session files for one window: File > Save Session (to the file it came from or was last
 * saved to), Save Session As…, Open Session…, Open Recent, and a session file the app was asked
 * to open (double-clicked, dropped on the dock, or named on the command line). Writes are
 * atomic — a temporary file beside the target, flushed, then renamed over it (write-file-atomic)
 * — so a crash mid-save leaves the last good copy whole. Main never reads what is inside: the
 * page builds and restores sessions (protocol/session.ts); main checks the size and that the
 * file is a session of a format this app reads before the page sees it.
 */
import { app, dialog, ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { CHANNELS, type SaveSessionResult } from '../protocol/desktop-api';
import { SESSION_EXTENSION, sessionSizeProblem } from '../protocol/session';
import { readSessionFile, writeSessionFile } from './session-file';
import type { RecentFiles } from './recent-files';
import type { RendererPort } from './renderer-port';

const FILTERS = [
  { name: 'Descent Lab session', extensions: [SESSION_EXTENSION] },
  { name: 'All files', extensions: ['*'] },
];

export interface SessionFiles {
  /** Opens a session file by path (Open Recent, a file the app was asked to open). */
  openPath(filePath: string): Promise<void>;
  openDialog(): Promise<void>;
  dispose(): void;
}

export function setupSessions(win: BrowserWindow, port: RendererPort, recent: RecentFiles): SessionFiles {
  /** The file this window's session came from or was last saved to. */
  let currentPath: string | undefined;
  let dialogOpen = false;

  const openPath = async (filePath: string): Promise<void> => {
    const file = await readSessionFile(filePath);
    if ('error' in file) {
      recent.remove(filePath);
      if (!win.isDestroyed()) dialog.showErrorBox('Could not open the session', file.error);
      return;
    }
    currentPath = filePath;
    recent.add(filePath);
    port.send(CHANNELS.sessionOpened, file);
  };

  const openDialog = async (): Promise<void> => {
    if (dialogOpen || win.isDestroyed()) return;
    dialogOpen = true;
    try {
      const choice = await dialog.showOpenDialog(win, { title: 'Open session', properties: ['openFile'], filters: FILTERS });
      const filePath = choice.filePaths[0];
      if (!choice.canceled && filePath) await openPath(filePath);
    } finally {
      dialogOpen = false;
    }
  };

  const onSave = async (event: IpcMainInvokeEvent, bytes: unknown, suggestedName: unknown, saveAs: unknown): Promise<SaveSessionResult> => {
    if (!port.isOurs(event.sender, event.senderFrame)) return { saved: false };
    if (!(bytes instanceof Uint8Array)) return { saved: false, error: 'the page sent no session' };
    // The page checks too (encodeSession); this is for a page that did not.
    const tooLarge = sessionSizeProblem(bytes.length, 'the session');
    if (tooLarge) return { saved: false, error: tooLarge };
    let target = saveAs === true ? undefined : currentPath;
    if (!target) {
      if (dialogOpen || win.isDestroyed()) return { saved: false };
      dialogOpen = true;
      try {
        const name = typeof suggestedName === 'string' && /^[\w .-]{1,120}$/.test(suggestedName) ? suggestedName : `session.${SESSION_EXTENSION}`;
        const choice = await dialog.showSaveDialog(win, { title: 'Save session', defaultPath: path.join(currentPath ? path.dirname(currentPath) : app.getPath('documents'), name), filters: FILTERS });
        if (choice.canceled || !choice.filePath) return { saved: false };
        target = choice.filePath.endsWith(`.${SESSION_EXTENSION}`) ? choice.filePath : `${choice.filePath}.${SESSION_EXTENSION}`;
      } finally {
        dialogOpen = false;
      }
    }
    try {
      await writeSessionFile(target, bytes);
    } catch (e) {
      return { saved: false, error: `${path.basename(target)}: ${(e as Error).message}` };
    }
    currentPath = target;
    recent.add(target);
    return { saved: true, name: path.basename(target) };
  };

  const onOpenRequest = (event: IpcMainEvent): void => {
    if (port.isOurs(event.sender, event.senderFrame)) void openDialog();
  };

  ipcMain.handle(CHANNELS.saveSession, onSave);
  ipcMain.on(CHANNELS.openSessionDialog, onOpenRequest);
  return {
    openPath,
    openDialog,
    dispose: () => {
      ipcMain.removeHandler(CHANNELS.saveSession);
      ipcMain.removeListener(CHANNELS.openSessionDialog, onOpenRequest);
    },
  };
}
