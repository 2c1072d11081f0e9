import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { CHANNELS, type MenuCommand } from '../protocol/desktop-api';
import path from 'node:path';
import type { RecentFiles } from './recent-files';
import type { RendererPort } from './renderer-port';
import type { SessionFiles } from './sessions';

/**
 * Accelerators for the Run menu. None of them edits text, so typing in a number field never
 * triggers a run: Ctrl+Right would (word jump on Windows and Linux), so Step, Stop and Reset
 * borrow a debugger's F10, Shift+F5 and Ctrl+Shift+F5 (step over, stop, restart).
 */
const RUN_ITEMS: { command: MenuCommand; label: string; accelerator: string }[] = [
  { command: 'run', label: 'Run', accelerator: 'CmdOrCtrl+Enter' },
  { command: 'pause', label: 'Pause / Resume', accelerator: 'CmdOrCtrl+.' },
  { command: 'step', label: 'Step', accelerator: 'F10' },
  { command: 'stop', label: 'Stop', accelerator: 'Shift+F5' },
  { command: 'reset', label: 'Reset', accelerator: 'CmdOrCtrl+Shift+F5' },
];

/** Builds the menu now and again whenever the recent sessions change (Open Recent lists them). */
export function setupMenu(win: BrowserWindow, port: RendererPort, sessions: SessionFiles, recent: RecentFiles): () => void {
  const build = () => buildMenu(win, port, sessions, recent);
  build();
  return recent.onChange(build);
}

function buildMenu(win: BrowserWindow, port: RendererPort, sessions: SessionFiles, recent: RecentFiles): void {
  const isMac = process.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = recent.list().map((file) => ({ label: path.basename(file), sublabel: file, click: () => void sessions.openPath(file) }));
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        // The lab shown decides what to open (a table, vectors, images) and asks for the dialog.
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => port.send(CHANNELS.menu, 'open' satisfies MenuCommand) },
        { type: 'separator' },
        { label: 'Open Session…', accelerator: 'CmdOrCtrl+Shift+O', click: () => void sessions.openDialog() },
        {
          label: 'Open Recent',
          submenu: recentItems.length
            ? [...recentItems, { type: 'separator' }, { label: 'Clear Recent', click: () => recent.clear() }]
            : [{ label: 'No recent sessions', enabled: false }],
        },
        // The page builds the session (it holds the labs' state) and hands main the bytes to write.
        { label: 'Save Session', accelerator: 'CmdOrCtrl+S', click: () => port.send(CHANNELS.menu, 'saveSession' satisfies MenuCommand) },
        { label: 'Save Session As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => port.send(CHANNELS.menu, 'saveSessionAs' satisfies MenuCommand) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Run',
      submenu: RUN_ITEMS.map(({ command, label, accelerator }) => ({
        label,
        accelerator,
        click: () => port.send(CHANNELS.menu, command),
      })),
    },
    {
      label: '&View',
      submenu: [
        // Reload and devtools are for development; a packaged app has no use for them.
        ...(app.isPackaged
          ? []
          : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemConstructorOptions[])),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [{ label: 'About Descent Lab', click: () => void showAbout(win) }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function showAbout(win: BrowserWindow): Promise<void> {
  if (win.isDestroyed()) return;
  const v = process.versions;
  await dialog.showMessageBox(win, {
    type: 'info',
    title: 'About Descent Lab',
    message: `${app.getName()} ${app.getVersion()}`,
    detail: `Watch gradient descent work.\n\nElectron ${v.electron}\nChromium ${v.chrome}\nNode ${v.node}`,
    buttons: ['OK'],
  });
}
