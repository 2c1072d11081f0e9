/**
 * The one object the preload exposes to the page as `window.descent` (Electron only; in a
 * browser under the headless server it is absent and the renderer uses the WebSocket client).
 */
export const MENU_COMMANDS = ['run', 'pause', 'step', 'stop', 'reset'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface OpenedFile {
  name: string;
  text: string;
}

export interface DesktopApi {
  /** Sends an engine request (validated again in main). */
  send(request: unknown): void;
  /** Engine messages; returns an unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  onMenu(listener: (command: MenuCommand) => void): () => void;
  /** Files opened with File > Open…, read by main after size checks. */
  onFileOpened(listener: (file: OpenedFile) => void): () => void;
  /** Shows the open dialog; the file arrives through onFileOpened. */
  openCsvDialog(): void;
}

/** IPC channel names, in one place for main and preload. */
export const CHANNELS = {
  engineRequest: 'engine:request',
  engineMessage: 'engine:message',
  menu: 'app:menu',
  fileOpened: 'app:file-opened',
  openCsvDialog: 'app:open-csv-dialog',
} as const;
