import { BrowserWindow } from 'electron';
import path from 'node:path';
import { setupNavigationGuard } from './security';

/** Paths relative to the bundle, dist/main/app.js. */
const PRELOAD_PATH = path.join(__dirname, '../preload/index.js');
const INDEX_PATH = path.join(__dirname, '../renderer/index.html');

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    // Below this the lab panel and the charts stop fitting side by side.
    // The layout needs 1024 px across (renderer/app.css) and room for two rows of plots.
    minWidth: 1024,
    minHeight: 700,
    title: 'Descent Lab',
    show: false,
    backgroundColor: '#111318',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  setupNavigationGuard(win, INDEX_PATH);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(INDEX_PATH);
  return win;
}
