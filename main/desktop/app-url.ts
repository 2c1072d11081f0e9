/**
 * The window's page is served from app://descent/, not file:// (Electron's security checklist,
 * item 18): a file:// page shares its origin with every file on the disk, a custom standard
 * scheme gives it an origin of its own, so the CSP's 'self' means our bundle and nothing else,
 * and the GrantFileProtocolExtraPrivileges fuse can be turned off (electron.config.ts).
 * This file maps those URLs to files and imports no Electron, so it is unit-tested in Node.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'descent';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The file under `rootDir` that an app:// URL names, or null for anything else: another
 * scheme or host, a path that climbs out of `rootDir` (encoded or not), a NUL byte. "/" is
 * index.html; query and fragment are ignored.
 */
export function rendererFileFor(url: string, rootDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null; // malformed %-escapes
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rootDir);
  const file = path.resolve(root, relative);
  const inside = path.relative(root, file);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Module scripts are refused without a JavaScript type, so the type is set, never sniffed. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
