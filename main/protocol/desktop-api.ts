import { LIMITS } from './limits';

/**
 * The one object the preload exposes to the page as `window.descent` (Electron only; in a
 * browser under the headless server it is absent and the renderer uses the WebSocket client).
 */
export const MENU_COMMANDS = ['open', 'saveSession', 'saveSessionAs', 'run', 'pause', 'step', 'stop', 'reset'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** What a lab opens: a data table (regression), a vector set (spread), images (adversarial). */
export const FILE_KINDS = ['table', 'vectors', 'image'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export interface FileKindSpec {
  readonly title: string;
  readonly filterName: string;
  readonly extensions: readonly string[];
  /** Text files arrive decoded as UTF-8; images as bytes, decoded (and checked) by the engine. */
  readonly binary: boolean;
  readonly maxBytes: number;
  readonly multiple: boolean;
}

const MiB = 1024 * 1024;

export const FILE_KIND_SPECS: Record<FileKind, FileKindSpec> = {
  table: { title: 'Open data', filterName: 'Delimited text', extensions: ['csv', 'tsv', 'txt'], binary: false, maxBytes: LIMITS.maxCsvBytes, multiple: false },
  vectors: { title: 'Open vectors', filterName: 'Vectors (CSV or JSON)', extensions: ['csv', 'tsv', 'txt', 'json'], binary: false, maxBytes: LIMITS.maxCsvBytes, multiple: false },
  image: { title: 'Open images', filterName: 'Images', extensions: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'bmp'], binary: true, maxBytes: 256 * MiB, multiple: true },
};

export function isFileKind(v: unknown): v is FileKind {
  return (FILE_KINDS as readonly unknown[]).includes(v);
}

/** A file main read after the user picked it in a dialog (size and type checked first). */
export type OpenedFile = { kind: FileKind; name: string } & ({ text: string; bytes?: undefined } | { bytes: Uint8Array; text?: undefined });

/** A session file main read after the user picked it (a dialog, Open Recent, or the file opened with the app). */
export interface OpenedSession {
  name: string;
  bytes: Uint8Array;
}

export type SaveSessionResult = { saved: true; name: string } | { saved: false; error?: string };

export interface DesktopApi {
  /** Sends an engine request (validated again in main). */
  send(request: unknown): void;
  /** Engine messages; returns an unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  onMenu(listener: (command: MenuCommand) => void): () => void;
  /** Files the user picked in an open dialog, read by main after size checks. */
  onFileOpened(listener: (file: OpenedFile) => void): () => void;
  /** Shows the open dialog for that kind of file; each file arrives through onFileOpened. */
  openFileDialog(kind: FileKind): void;
  /**
   * Writes a session (encodeSession's bytes) atomically: to the file it came from or was last
   * saved to, or where the user picks (always with `saveAs`, and the first time).
   */
  saveSession(bytes: Uint8Array, suggestedName: string, saveAs: boolean): Promise<SaveSessionResult>;
  openSessionDialog(): void;
  onSessionOpened(listener: (session: OpenedSession) => void): () => void;
}

/** IPC channel names, in one place for main and preload. */
export const CHANNELS = {
  engineRequest: 'engine:request',
  engineMessage: 'engine:message',
  menu: 'app:menu',
  fileOpened: 'app:file-opened',
  openFileDialog: 'app:open-file-dialog',
  saveSession: 'app:save-session',
  openSessionDialog: 'app:open-session-dialog',
  sessionOpened: 'app:session-opened',
} as const;
