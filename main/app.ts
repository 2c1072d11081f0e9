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
import { RecentFiles } from './desktop/recent-files';
import { RendererPort } from './desktop/renderer-port';
import { setupContentsGuard, setupSessionSecurity } from './desktop/security';
import { localPath, sessionPathFromArgv } from './desktop/session-file';
import { setupSessions, type SessionFiles } from './desktop/sessions';

let mainWindow: BrowserWindow | undefined;
let mainSessions: SessionFiles | undefined;
/** Stops what the current window started (its engine, its IPC handlers). */
let closeMainWindowFeatures: (() => void) | undefined;
/** A session file the OS asked us to open before there was a window to open it in. */
let pendingSession: string | undefined = sessionPathFromArgv(process.argv, process.cwd());

/** Opens a session file the OS handed us (double-click, dock, second launch). */
function openSessionFile(file: string): void {
  if (mainSessions && mainWindow && !mainWindow.isDestroyed()) void mainSessions.openPath(file);
  else {
    pendingSession = file;
    // macOS: the app can be running with no window; before 'ready' the first window takes it.
    if (app.isReady()) openMainWindow();
  }
}

function setupSingleInstance(): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv, workingDirectory) => {
    // A relative path is relative to the folder the second launch was started in.
    const file = sessionPathFromArgv(argv, workingDirectory);
    if (!mainWindow || mainWindow.isDestroyed()) {
      // macOS keeps the app running with no window: a second launch opens one (and its file).
      if (file) openSessionFile(file);
      else if (app.isReady()) openMainWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    if (file) openSessionFile(file);
  });
  // macOS sends files opened from the Finder or the dock this way, possibly before 'ready'.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    const filePath = localPath(file, process.cwd());
    if (filePath) openSessionFile(filePath);
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
  const recent = new RecentFiles();
  const sessions = setupSessions(win, port, recent);
  const stopMenu = setupMenu(win, port, sessions, recent);
  mainWindow = win;
  mainSessions = sessions;
  // The page queues nothing before it loads, but RendererPort holds messages until it has.
  if (pendingSession) {
    void sessions.openPath(pendingSession);
    pendingSession = undefined;
  }
  closeMainWindowFeatures = () => {
    engine.stop();
    files.dispose();
    sessions.dispose();
    stopMenu();
    mainSessions = undefined;
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
