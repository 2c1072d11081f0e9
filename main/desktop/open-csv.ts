import { dialog, ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CHANNELS, type OpenedFile } from '../protocol/desktop-api';
import { LIMITS } from '../protocol/messages';
import type { RendererPort } from './renderer-port';

const MiB = 1024 * 1024;

/**
 * File > Open CSV… and the page's "Open…" button share this flow. Main reads the file, after a
 * size check and before any decoding, so the page never touches the file system.
 */
export function setupOpenCsv(
  win: BrowserWindow,
  port: RendererPort,
): { openCsv: () => Promise<void>; dispose: () => void } {
  let dialogOpen = false;

  const openCsv = async (): Promise<void> => {
    if (dialogOpen || win.isDestroyed()) return; // one dialog at a time, however often the page asks
    dialogOpen = true;
    try {
      const choice = await dialog.showOpenDialog(win, {
        title: 'Open data',
        properties: ['openFile'],
        filters: [
          { name: 'Delimited text', extensions: ['csv', 'tsv', 'txt'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      const filePath = choice.filePaths[0];
      if (choice.canceled || !filePath) return;
      const file = await readCsv(filePath);
      if ('error' in file) dialog.showErrorBox('Could not open the file', file.error);
      else port.send(CHANNELS.fileOpened, file);
    } catch (err) {
      dialog.showErrorBox('Could not open the file', err instanceof Error ? err.message : String(err));
    } finally {
      dialogOpen = false;
    }
  };

  const onOpenRequest = (event: IpcMainEvent): void => {
    if (!port.isOurs(event.sender, event.senderFrame)) return;
    void openCsv();
  };
  ipcMain.on(CHANNELS.openCsvDialog, onOpenRequest);

  return { openCsv, dispose: () => ipcMain.removeListener(CHANNELS.openCsvDialog, onOpenRequest) };
}

/** Reads a text file for the regression lab, or says in words why not. */
export async function readCsv(filePath: string): Promise<OpenedFile | { error: string }> {
  const name = path.basename(filePath);
  const info = await stat(filePath);
  if (!info.isFile()) return { error: `${name} is not a file.` };
  if (info.size > LIMITS.maxCsvBytes) {
    const sizeMiB = (info.size / MiB).toFixed(1);
    return { error: `${name} is ${sizeMiB} MiB; Descent Lab opens data files up to ${LIMITS.maxCsvBytes / MiB} MiB.` };
  }
  const bytes = await readFile(filePath);
  if (bytes.length > LIMITS.maxCsvBytes) return { error: `${name} grew past ${LIMITS.maxCsvBytes / MiB} MiB while it was read.` };
  // A NUL byte in the first 8 KiB means a binary file (an image, a spreadsheet), not CSV text.
  if (bytes.subarray(0, 8192).includes(0)) return { error: `${name} looks like a binary file, not CSV text.` };
  // The engine's CSV parser strips a byte-order mark, as it does for dropped files.
  return { name, text: bytes.toString('utf8') };
}
