import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../protocol/desktop-api';
import path from 'node:path';
import type { RecentFiles } from './recent-files';

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

/**
 * What the menu's items do. The app menu outlives windows (macOS keeps the app running with none
 * open), so it holds no window: main/app.ts looks up the open one when an item is clicked, and
 * opens a new one where there is none.
 */
export interface MenuActions {
  /** File > Open, Save Session (As…) and the Run items: commands for the page. */
  pageCommand(command: MenuCommand): void;
  openSessionDialog(): void;
  openSessionPath(file: string): void;
  /** The window dialogs belong to, if one is open. */
  currentWindow(): BrowserWindow | undefined;
}

/** Builds the menu now and again whenever the recent sessions change (Open Recent lists them). */
export function setupMenu(actions: MenuActions, recent: RecentFiles): () => void {
  const build = () => buildMenu(actions, recent);
  build();
  return recent.onChange(build);
}

function buildMenu(actions: MenuActions, recent: RecentFiles): void {
  const isMac = process.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = recent.list().map((file) => ({ label: path.basename(file), sublabel: file, click: () => actions.openSessionPath(file) }));
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        // The lab shown decides what to open (a table, vectors, images) and asks for the dialog.
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.pageCommand('open') },
        { type: 'separator' },
        { label: 'Open Session…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openSessionDialog() },
        {
          label: 'Open Recent',
          submenu: recentItems.length
            ? [...recentItems, { type: 'separator' }, { label: 'Clear Recent', click: () => recent.clear() }]
            : [{ label: 'No recent sessions', enabled: false }],
        },
        // The page builds the session (it holds the labs' state) and hands main the bytes to write.
        { label: 'Save Session', accelerator: 'CmdOrCtrl+S', click: () => actions.pageCommand('saveSession') },
        { label: 'Save Session As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.pageCommand('saveSessionAs') },
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
        click: () => actions.pageCommand(command),
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
      submenu: [{ label: 'About Descent Lab', click: () => void showAbout(actions.currentWindow()) }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function showAbout(win: BrowserWindow | undefined): Promise<void> {
  const v = process.versions;
  const options = {
    type: 'info' as const,
    title: 'About Descent Lab',
    message: `${app.getName()} ${app.getVersion()}`,
    detail: `Watch gradient descent work.\n\nElectron ${v.electron}\nChromium ${v.chrome}\nNode ${v.node}`,
    buttons: ['OK'],
  };
  await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
}
