import type { ErrorInfo } from '../protocol/messages';

/** An exception as the protocol carries it to the window. */
export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}
