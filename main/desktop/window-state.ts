/**
 * The window's size, position and maximised state, remembered between runs in
 * userData/window-state.json. A saved position is used only if it is still on a screen (a
 * monitor may have been unplugged since).
 */
import { app, screen, type BrowserWindow, type Rectangle } from 'electron';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const FILE = () => path.join(app.getPath('userData'), 'window-state.json');

export function loadWindowState(defaults: { width: number; height: number }): WindowState {
  try {
    const raw = JSON.parse(readFileSync(FILE(), 'utf8')) as Partial<WindowState>;
    const b = raw.bounds;
    if (b && [b.x, b.y, b.width, b.height].every((v) => Number.isFinite(v)) && b.width >= 400 && b.height >= 300) {
      const visible = screen.getAllDisplays().some((d) => {
        const a = d.workArea;
        return b.x < a.x + a.width - 50 && b.x + b.width > a.x + 50 && b.y < a.y + a.height - 50 && b.y + b.height > a.y;
      });
      if (visible) return { bounds: b, maximized: raw.maximized === true };
      return { bounds: { ...defaults, x: NaN, y: NaN }, maximized: raw.maximized === true };
    }
  } catch {
    // first start, or an unreadable file: the defaults
  }
  return { bounds: { ...defaults, x: NaN, y: NaN }, maximized: false };
}

/**
 * Saves the window's normal (unmaximised) bounds when it moves or resizes (in the background,
 * half a second after it settles) and when it closes: then synchronously, because closing the
 * last window (or quitting) may end the process before a background write lands.
 */
export function trackWindowState(win: BrowserWindow): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = (): string => JSON.stringify({ bounds: win.getNormalBounds(), maximized: win.isMaximized() } satisfies WindowState);
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!win.isDestroyed()) writeFileAtomic(FILE(), state(), () => {}); // best effort
    }, 500);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', later);
  win.on('close', () => {
    clearTimeout(timer);
    try {
      writeFileAtomic.sync(FILE(), state());
    } catch {
      // a read-only or full disk: next start uses the defaults
    }
  });
}
