/**
 * Electron main: one window, menus, file dialogs and the app's lifetime. The engine runs in a
 * utility process (desktop/engine-relay.ts); main only relays and validates, and never imports
 * tfjs or main/engine. Each feature is a setupX() in main/desktop/.
 */
import { app, BrowserWindow, session } from 'electron';
import { setupEngineRelay } from './desktop/engine-relay';
import { registerAppScheme, setupAppProtocol } from './desktop/app-protocol';
import { createMainWindow, RENDERER_DIR } from './desktop/main-window';
import { setupMenu } from './desktop/menu';
import { setupOpenFile } from './desktop/open-file';
import { RendererPort } from './desktop/renderer-port';
import { setupContentsGuard, setupSessionSecurity } from './desktop/security';

let mainWindow: BrowserWindow | undefined;
/** Stops what the current window started (its engine, its IPC handlers). */
let closeMainWindowFeatures: (() => void) | undefined;

function setupSingleInstance(): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  return true;
}

function setupLifecycle(): void {
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    closeMainWindowFeatures?.();
    closeMainWindowFeatures = undefined;
  });
  // macOS: clicking the dock icon with no window open makes a new one.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
}

/** The window and everything tied to it: one engine per window, so a closed window frees it. */
function openMainWindow(): void {
  const win = createMainWindow();
  const port = new RendererPort(win.webContents);
  const engine = setupEngineRelay(port);
  const files = setupOpenFile(win, port);
  setupMenu(win, port);
  mainWindow = win;
  closeMainWindowFeatures = () => {
    engine.stop();
    files.dispose();
  };
  win.on('closed', () => {
    if (mainWindow !== win) return;
    mainWindow = undefined;
    closeMainWindowFeatures?.();
    closeMainWindowFeatures = undefined;
  });
}

if (setupSingleInstance()) {
  app.enableSandbox();
  // Both before 'ready': privileged schemes are fixed at start, and the guard must see every
  // web contents from the first.
  registerAppScheme();
  setupContentsGuard();
  setupLifecycle();
  void app.whenReady().then(() => {
    setupSessionSecurity(session.defaultSession);
    setupAppProtocol(session.defaultSession, RENDERER_DIR);
    openMainWindow();
  });
} else {
  app.quit();
}
