/**
 * Electron main: one window, menus, file dialogs and the app's lifetime. The engine runs in a
 * utility process (desktop/engine-relay.ts); main only relays and validates, and never imports
 * tfjs or main/engine. Each feature is a setupX() in main/desktop/.
 */
import { app, BrowserWindow, session } from 'electron';
import { CHANNELS, type MenuCommand } from './protocol/desktop-api';
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

/** The window and what is tied to it (one engine per window, so a closed window frees it). */
interface MainWindow {
  win: BrowserWindow;
  port: RendererPort;
  sessions: SessionFiles;
  /** Stops what the window started (its engine, its IPC handlers). */
  close(): void;
}

let mainWindow: MainWindow | undefined;
let recent: RecentFiles | undefined;
/** One list for the app's lifetime, made once the app is ready (it lives in userData). */
const recentFiles = (): RecentFiles => (recent ??= new RecentFiles());
/** A session file the OS asked us to open before there was a window to open it in. */
let pendingSession: string | undefined = sessionPathFromArgv(process.argv, process.cwd());

/** Opens a session file the OS handed us (double-click, dock, second launch) or Open Recent. */
function openSessionFile(file: string): void {
  if (mainWindow) void mainWindow.sessions.openPath(file);
  else {
    pendingSession = file;
    // macOS: the app can be running with no window; before 'ready' the first window takes it.
    if (app.isReady()) openMainWindow();
  }
}

/**
 * Runs `action` on the open window, or on a new one once it shows: macOS keeps the app and its
 * menu running with no window, and a dialog needs a window on screen to belong to.
 */
function withWindow(action: (w: MainWindow) => void): void {
  if (mainWindow) return action(mainWindow);
  const w = openMainWindow();
  w.win.once('ready-to-show', () => {
    if (!w.win.isDestroyed()) action(w);
  });
}

function setupSingleInstance(): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv, workingDirectory) => {
    // A relative path is relative to the folder the second launch was started in.
    const file = sessionPathFromArgv(argv, workingDirectory);
    if (mainWindow) {
      if (mainWindow.win.isMinimized()) mainWindow.win.restore();
      mainWindow.win.focus();
    }
    // macOS keeps the app running with no window: a second launch opens one (and its file).
    if (file) openSessionFile(file);
    else if (!mainWindow && app.isReady()) openMainWindow();
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
    mainWindow?.close();
    mainWindow = undefined;
  });
  // macOS: clicking the dock icon with no window open makes a new one.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
}

function openMainWindow(): MainWindow {
  const win = createMainWindow();
  const port = new RendererPort(win.webContents);
  const engine = setupEngineRelay(port);
  const files = setupOpenFile(win, port);
  const sessions = setupSessions(win, port, recentFiles());
  const opened: MainWindow = {
    win,
    port,
    sessions,
    close: () => {
      engine.stop();
      files.dispose();
      sessions.dispose();
    },
  };
  mainWindow = opened;
  // The page queues nothing before it loads, but RendererPort holds messages until it has.
  if (pendingSession) {
    void sessions.openPath(pendingSession);
    pendingSession = undefined;
  }
  win.on('closed', () => {
    if (mainWindow !== opened) return;
    mainWindow = undefined;
    opened.close();
  });
  return opened;
}

/** The menu outlives windows (macOS): each item finds the open window when clicked, or opens one. */
function setupAppMenu(): void {
  setupMenu(
    {
      pageCommand: (command: MenuCommand) => {
        // A new window has nothing to save or run yet: only File > Open carries over to it.
        if (mainWindow || command === 'open') withWindow((w) => w.port.send(CHANNELS.menu, command));
        else openMainWindow();
      },
      openSessionDialog: () => withWindow((w) => void w.sessions.openDialog()),
      openSessionPath: openSessionFile,
      currentWindow: () => mainWindow?.win,
    },
    recentFiles(),
  );
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
    setupAppMenu();
    openMainWindow();
  });
} else {
  app.quit();
}
