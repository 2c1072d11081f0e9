import { protocol, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import { CONTENT_SECURITY_POLICY } from '../protocol/content-security-policy';
import { APP_SCHEME, contentTypeFor, rendererFileFor } from './app-url';

/**
 * app:// is a standard, secure scheme, so the page gets a real origin (app://descent), a secure
 * context and fetch; nothing else (no service workers, no CSP bypass). Electron honours only
 * one registerSchemesAsPrivileged call, made before 'ready': this is it.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * Serves dist/renderer (inside the asar when installed: Electron's fs reads it) at
 * app://descent/, with the content security policy and no MIME sniffing on every response.
 */
export function setupAppProtocol(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(request.url, rendererDir);
    if (!file || request.method !== 'GET') return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': contentTypeFor(file),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
