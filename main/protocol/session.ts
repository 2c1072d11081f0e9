/**
 * Session files (`.descent`): everything one window holds — each lab's settings, its data and
 * the runs it recorded — in one file. The bytes are a fixed magic line, then the protocol's
 * binary codec (a JSON header with typed arrays stored raw after it, codec.ts), so histories of
 * a million iterations cost their size and no more. Plain TypeScript: the page builds and reads
 * sessions; Electron main only writes and reads the bytes (atomically).
 */
import { decodeMessage, encodeMessage } from './codec';
import type { LabName } from './limits';

export const SESSION_EXTENSION = 'descent';
export const SESSION_MIME = 'application/x-descent-session';
/** "DESCENT SESSION" and a newline: a file opened by mistake is recognised at once. */
const MAGIC = new TextEncoder().encode('DESCENT SESSION\n');
/** Bumped when a change would make older apps misread a file; they refuse newer ones. */
export const SESSION_FORMAT_VERSION = 1;
const MiB = 1024 * 1024;
/**
 * Sessions are read whole into memory and cross Electron IPC whole, in one message (main hands
 * the page an opened file's bytes; the page hands main the bytes to save). Electron's IPC
 * serialiser is known to crash past 512 MiB (its buffer then grows ×4, past what shared memory
 * allows: electron/electron#53961); half that leaves room. Not measured here, where no Electron
 * runs: lower it if a platform fails below it.
 */
export const MAX_SESSION_BYTES = 256 * MiB;

/** Why a session of `byteLength` bytes cannot be saved or opened; undefined if it can. */
export function sessionSizeProblem(byteLength: number, name: string): string | undefined {
  if (byteLength <= MAX_SESSION_BYTES) return undefined;
  return `${name} is ${(Math.ceil((byteLength / MiB) * 10) / 10).toFixed(1)} MiB, over Descent Lab's ${MAX_SESSION_BYTES / MiB} MiB limit for sessions`;
}

export interface Session {
  format: 'descent-session';
  version: number;
  /** The app version that wrote it, for messages. */
  savedWith: string;
  savedAt: string;
  activeLab: LabName;
  /** Each lab's own part, as that lab saves it (opaque here). */
  labs: Partial<Record<LabName, unknown>>;
}

export class SessionFileError extends Error {
  override readonly name = 'SessionFileError';
}

/** The session's bytes, or a SessionFileError if it is too large to save and open again. */
export function encodeSession(session: Session): Uint8Array {
  const body = encodeMessage(session);
  const tooLarge = sessionSizeProblem(MAGIC.length + body.length, 'the session');
  if (tooLarge) throw new SessionFileError(`${tooLarge} (recorded runs make it so: Reset a lab to save less)`);
  const out = new Uint8Array(MAGIC.length + body.length);
  out.set(MAGIC);
  out.set(body, MAGIC.length);
  return out;
}

/** Reads a session file, or throws a SessionFileError that says plainly what is wrong. */
export function decodeSession(bytes: Uint8Array, name = 'the file', appVersion = 'this version'): Session {
  const tooLarge = sessionSizeProblem(bytes.length, name);
  if (tooLarge) throw new SessionFileError(tooLarge);
  if (bytes.length < MAGIC.length || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new SessionFileError(`${name} is not a Descent Lab session file`);
  }
  let raw: unknown;
  try {
    raw = decodeMessage(bytes.subarray(MAGIC.length));
  } catch (e) {
    throw new SessionFileError(`${name} is damaged (${(e as Error).message}); it cannot be opened`);
  }
  const s = raw as Partial<Session>;
  if (typeof raw !== 'object' || raw === null || s.format !== 'descent-session' || typeof s.version !== 'number') {
    throw new SessionFileError(`${name} is not a Descent Lab session file`);
  }
  if (s.version > SESSION_FORMAT_VERSION) {
    throw new SessionFileError(
      `${name} was saved by a newer Descent Lab (${s.savedWith ?? 'unknown version'}, session format ${s.version}); ${appVersion} reads format ${SESSION_FORMAT_VERSION} and older. Update Descent Lab to open it.`,
    );
  }
  if (typeof s.labs !== 'object' || s.labs === null) throw new SessionFileError(`${name} holds no labs`);
  return s as Session;
}
