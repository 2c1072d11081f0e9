import { dialog, ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CHANNELS, FILE_KIND_SPECS, isFileKind, type FileKind, type OpenedFile } from '../protocol/desktop-api';
import type { RendererPort } from './renderer-port';

const MiB = 1024 * 1024;

/**
 * The page's "Open…" buttons (and File > Open, which asks the page which lab is shown) end
 * here. Main reads the file, after a size check and before any decoding, so the page never
 * touches the file system; what each lab accepts is FILE_KIND_SPECS.
 */
export function setupOpenFile(win: BrowserWindow, port: RendererPort): { openFile: (kind: FileKind) => Promise<void>; dispose: () => void } {
  let dialogOpen = false;

  const openFile = async (kind: FileKind): Promise<void> => {
    if (dialogOpen || win.isDestroyed()) return; // one dialog at a time, however often the page asks
    dialogOpen = true;
    const spec = FILE_KIND_SPECS[kind];
    try {
      const choice = await dialog.showOpenDialog(win, {
        title: spec.title,
        properties: spec.multiple ? ['openFile', 'multiSelections'] : ['openFile'],
        filters: [
          { name: spec.filterName, extensions: [...spec.extensions] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      if (choice.canceled) return;
      const problems: string[] = [];
      for (const filePath of choice.filePaths) {
        const file = await readPicked(filePath, kind);
        if ('error' in file) problems.push(file.error);
        else port.send(CHANNELS.fileOpened, file);
      }
      if (problems.length) dialog.showErrorBox('Could not open the file', problems.join('\n'));
    } catch (err) {
      dialog.showErrorBox('Could not open the file', err instanceof Error ? err.message : String(err));
    } finally {
      dialogOpen = false;
    }
  };

  const onOpenRequest = (event: IpcMainEvent, kind: unknown): void => {
    if (!port.isOurs(event.sender, event.senderFrame) || !isFileKind(kind)) return;
    void openFile(kind);
  };
  ipcMain.on(CHANNELS.openFileDialog, onOpenRequest);

  return { openFile, dispose: () => ipcMain.removeListener(CHANNELS.openFileDialog, onOpenRequest) };
}

/** Reads a picked file for a lab, or says in words why not. */
export async function readPicked(filePath: string, kind: FileKind): Promise<OpenedFile | { error: string }> {
  const spec = FILE_KIND_SPECS[kind];
  const name = path.basename(filePath);
  const info = await stat(filePath);
  if (!info.isFile()) return { error: `${name} is not a file.` };
  if (info.size > spec.maxBytes) {
    return { error: `${name} is ${(info.size / MiB).toFixed(1)} MiB; Descent Lab opens such files up to ${spec.maxBytes / MiB} MiB.` };
  }
  const bytes = await readFile(filePath);
  if (bytes.length > spec.maxBytes) return { error: `${name} grew past ${spec.maxBytes / MiB} MiB while it was read.` };
  if (spec.binary) return { kind, name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  // A NUL byte in the first 8 KiB means a binary file (an image, a spreadsheet), not text.
  if (bytes.subarray(0, 8192).includes(0)) return { error: `${name} looks like a binary file, not text.` };
  // The engine's parsers strip a byte-order mark, as they do for dropped files.
  return { kind, name, text: bytes.toString('utf8') };
}
