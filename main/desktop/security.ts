import { dialog, shell, type BrowserWindow, type Session } from 'electron';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../protocol/content-security-policy';

/** Session-wide rules: no permissions for the page, and a CSP header on every response. */
export function setupSessionSecurity(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...details.responseHeaders };
    for (const key of Object.keys(responseHeaders)) {
      if (key.toLowerCase() === 'content-security-policy') delete responseHeaders[key];
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

/**
 * The page may show only our own index.html: navigation elsewhere and new windows are refused,
 * and an http(s) link opens in the user's browser after they confirm it.
 */
export function setupNavigationGuard(win: BrowserWindow, indexPath: string): void {
  const indexUrl = pathToFileURL(indexPath).href;
  const contents = win.webContents;

  contents.on('will-navigate', (event, url) => {
    if (withoutHash(url) === indexUrl) return;
    event.preventDefault();
    void confirmOpenExternal(win, url);
  });
  contents.on('will-redirect', (event, url) => {
    if (withoutHash(url) !== indexUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void confirmOpenExternal(win, url);
    return { action: 'deny' };
  });
}

async function confirmOpenExternal(win: BrowserWindow, url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return;
  if (win.isDestroyed()) return;
  const { response } = await dialog.showMessageBox(win, {
    type: 'question',
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link in your web browser?',
    detail: parsed.href,
  });
  if (response === 0) await shell.openExternal(parsed.href);
}

function withoutHash(url: string): string {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}
