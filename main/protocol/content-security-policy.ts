/**
 * The page's Content-Security-Policy, one string for both ways the page is served: Electron
 * main sends it as a header (main/desktop/security.ts) and so does the headless server.
 * Electron has not always run webRequest hooks for file:// (electron/electron#23485), so
 * renderer/index.html's <meta> tag carries the same policy; a unit test keeps the two equal.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  // Not covered by default-src: no plugins, no <base> to re-point relative URLs, no form posts.
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
