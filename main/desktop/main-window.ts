import { BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { APP_INDEX_URL } from './app-url';
import { setupNavigationGuard } from './security';
import { loadWindowState, trackWindowState } from './window-state';

/** Paths relative to the bundle, dist/main/app.js. */
const PRELOAD_PATH = path.join(__dirname, '../preload/index.js');
/** What app://descent/ serves (app-protocol.ts). */
export const RENDERER_DIR = path.join(__dirname, '../renderer');

export function createMainWindow(): BrowserWindow {
  // Where the window was last time, if that is still on a screen.
  const state = loadWindowState({ width: 1280, height: 800 });
  const { x, y, width, height } = state.bounds;
  const win = new BrowserWindow({
    width,
    height,
    ...(Number.isFinite(x) && Number.isFinite(y) ? { x, y } : {}),
    // Below this the lab panel and the charts stop fitting side by side.
    // The layout needs 1024 px across (renderer/app.css) and room for two rows of plots.
    minWidth: 1024,
    minHeight: 700,
    title: 'Descent Lab',
    show: false,
    backgroundColor: '#111318',
    // Electron's security checklist, spelled out even where it is the default, so a review (and
    // electronegativity) sees each one.
    webPreferences: {
      // Reviewed: a sandboxed preload that exposes a few small verbs through contextBridge
      // (preload/index.ts), never ipcRenderer itself; main checks every sender and message.
      preload: PRELOAD_PATH, /* eng-disable PRELOAD_JS_CHECK */
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click would otherwise open a link in a new window (refused anyway, see security.ts).
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    },
  });
  setupNavigationGuard(win);
  trackWindowState(win);
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  win.loadURL(APP_INDEX_URL).catch((e: Error & { code?: string }) => {
    // ERR_ABORTED: the window closed, or a reload replaced the load, before it finished.
    if (win.isDestroyed() || e.code === 'ERR_ABORTED') return;
    dialog.showErrorBox('Descent Lab could not show its window', `The page did not load: ${e.message}`);
  });
  return win;
}
