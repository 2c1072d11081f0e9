/**
 * Reading and writing session files on disk, and finding one on a command line, with no
 * Electron in it (so tests run it in plain Node). Writes are atomic: write-file-atomic writes a
 * temporary file beside the target, flushes it to disk and renames it over the target, so the
 * file is always the old copy or the new one whole, however the process dies.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import writeFileAtomic from 'write-file-atomic';
import type { OpenedSession } from '../protocol/desktop-api';
import { decodeSession, SESSION_EXTENSION, sessionSizeProblem } from '../protocol/session';

export async function writeSessionFile(target: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(target, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { fsync: true });
}

/**
 * Reads a session file for the page after a size check and a check that it is a session this
 * app can read (the same check the page makes), or says in words why not: a file that is not
 * one never becomes the window's "current session", which Save would write over.
 */
export async function readSessionFile(filePath: string): Promise<OpenedSession | { error: string }> {
  const name = path.basename(filePath);
  const unreadable = (e: unknown) => ({ error: `${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).` });
  let info;
  try {
    info = await stat(filePath);
  } catch (e) {
    return unreadable(e);
  }
  if (!info.isFile()) return { error: `${name} is not a file.` };
  const tooLarge = sessionSizeProblem(info.size, name);
  if (tooLarge) return { error: `${tooLarge}; it cannot be opened.` };
  let raw;
  try {
    // A file can pass stat and still fail here: no read permission, an I/O error, a network
    // drive gone, a file that grew past what one Buffer holds.
    raw = await readFile(filePath);
  } catch (e) {
    return unreadable(e);
  }
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    decodeSession(bytes, name);
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { name, bytes };
}

/**
 * A session file named on a command line (how Linux and Windows open a double-clicked file, and
 * how a second launch hands one to the running app), as an absolute path: relative to
 * `workingDirectory`, the folder of the process that was given it, and a `file:` URL (Linux
 * launchers pass those for a desktop file's %U) converted to its path.
 */
export function sessionPathFromArgv(argv: readonly string[], workingDirectory: string): string | undefined {
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue; // Chromium's and Electron's own switches
    const file = localPath(arg, workingDirectory);
    if (file?.toLowerCase().endsWith(`.${SESSION_EXTENSION}`)) return file;
  }
  return undefined;
}

/** A path or `file:` URL as an absolute path; undefined for a URL that names no local file. */
export function localPath(pathOrUrl: string, workingDirectory: string): string | undefined {
  if (!/^file:/i.test(pathOrUrl)) return path.resolve(workingDirectory, pathOrUrl);
  try {
    return fileURLToPath(pathOrUrl);
  } catch {
    return undefined; // file://otherhost/… or a malformed URL
  }
}
