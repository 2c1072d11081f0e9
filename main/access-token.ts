/**
 * The headless server's door, as Jupyter's: a secret token, random unless the user sets one,
 * printed with the server's address. A browser shows it once (`/?token=…`) and then carries it in
 * an HttpOnly, SameSite=Strict cookie, which its WebSocket to /ws sends too, so the page's own
 * code never sees the token; a script sends it as `?token=…` on /ws.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Characters that need no escaping in a URL's query or a cookie's value. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;
export const TOKEN_RULE = '1-256 letters, digits or . _ ~ -';

export function isValidToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** 24 random bytes as hex (192 bits), as Jupyter makes its tokens. */
export function randomToken(): string {
  return randomBytes(24).toString('hex');
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class AccessToken {
  /**
   * Cookies ignore ports, so two servers on one machine (say, the user's and the tests') would
   * overwrite each other's cookie under one name: the name carries a digest of the token.
   */
  private readonly cookieName: string;

  constructor(readonly value: string) {
    if (!isValidToken(value)) throw new Error(`a token is ${TOKEN_RULE}`);
    this.cookieName = `descent-token-${digest(value).toString('hex').slice(0, 12)}`;
  }

  /**
   * Constant-time: both sides are hashed first, so neither the time taken nor a length check
   * tells a guesser how much of the token was right.
   */
  matches(candidate: string | null | undefined): boolean {
    if (typeof candidate !== 'string') return false;
    return timingSafeEqual(digest(candidate), digest(this.value));
  }

  /** Whether the request carries the token, in its cookie or as `?token=`. */
  admits(req: IncomingMessage, url: URL): boolean {
    return this.matches(this.fromCookie(req)) || this.matches(url.searchParams.get('token'));
  }

  /** The Set-Cookie value that lets a browser in after it showed the token once. */
  cookie(secure: boolean): string {
    return `${this.cookieName}=${this.value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  private fromCookie(req: IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.cookieName) return part.slice(eq + 1).trim();
    }
    return undefined;
  }
}
