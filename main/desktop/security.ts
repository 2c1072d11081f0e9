import { app, dialog, shell, type BrowserWindow, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../protocol/content-security-policy';
import { APP_INDEX_URL } from './app-url';

/**
 * Session-wide rules: the page gets no permission (camera, notifications, HID, serial, USB…),
 * and every response carries the CSP (app:// responses set it themselves, see app-protocol.ts;
 * this covers anything else the session loads).
 */
export function setupSessionSecurity(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...details.responseHeaders };
    for (const key of Object.keys(responseHeaders)) {
      if (key.toLowerCase() === 'content-security-policy') delete responseHeaders[key];
    }
    // The policy is one constant (main/protocol/content-security-policy.ts); the scanner cannot
    // read an imported constant, and checks the same text in renderer/index.html's <meta>.
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]; /* eng-disable CSP_GLOBAL_CHECK */
    callback({ responseHeaders });
  });
}

/**
 * A net under every web contents the app ever makes (the checklist's items 12-14 ask for it in
 * 'web-contents-created'): no webviews, no new windows, no navigation off our page. The main
 * window adds its own guard on top (setupNavigationGuard), which also offers links to the browser.
 */
export function setupContentsGuard(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event, url) => {
      if (withoutHash(url) !== APP_INDEX_URL) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/**
 * The page may show only our own index.html: navigation elsewhere and new windows are refused,
 * and an http(s) link opens in the user's browser after they confirm it.
 */
export function setupNavigationGuard(win: BrowserWindow): void {
  const contents = win.webContents;

  contents.on('will-navigate', (event, url) => {
    if (withoutHash(url) === APP_INDEX_URL) return;
    event.preventDefault();
    void confirmOpenExternal(win, url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (withoutHash(url) !== APP_INDEX_URL) event.preventDefault();
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
  // Reviewed: only an http(s) URL, parsed and re-serialised, that the user has just read in the
  // dialog and chosen to open; no file:, smb: or custom schemes reach the shell.
  if (response !== 0) return;
  try {
    await shell.openExternal(parsed.href); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
  } catch (e) {
    // No browser registered, or the OS refused: say so, with the address to copy by hand.
    dialog.showErrorBox('Could not open the link', `${parsed.href}\n\n${(e as Error).message}`);
  }
}

function withoutHash(url: string): string {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}
