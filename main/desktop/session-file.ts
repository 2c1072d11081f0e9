/**
 * Reading and writing session files on disk, with no Electron in it (so tests run it in plain
 * Node). Writes are atomic: write-file-atomic writes a temporary file beside the target, flushes
 * it to disk and renames it over the target, so the file is always the old copy or the new one
 * whole, however the process dies.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { OpenedSession } from '../protocol/desktop-api';
import { decodeSession, MAX_SESSION_BYTES } from '../protocol/session';

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
  let info;
  try {
    info = await stat(filePath);
  } catch (e) {
    return { error: `${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).` };
  }
  if (!info.isFile()) return { error: `${name} is not a file.` };
  if (info.size > MAX_SESSION_BYTES) return { error: `${name} is over ${MAX_SESSION_BYTES / 2 ** 30} GiB; it is not a session this app can open.` };
  const raw = await readFile(filePath);
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    decodeSession(bytes, name);
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { name, bytes };
}
