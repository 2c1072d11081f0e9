/**
 * Recently opened or saved session files, newest first: kept in userData/recent-sessions.json
 * (written atomically), shown under File > Open Recent and given to the OS's own list.
 */
import { app } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

const MAX_RECENT = 10;

export class RecentFiles {
  private files: string[];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly store: string = path.join(app.getPath('userData'), 'recent-sessions.json')) {
    this.files = RecentFiles.read(store);
  }

  private static read(store: string): string[] {
    try {
      const raw: unknown = JSON.parse(readFileSync(store, 'utf8'));
      return Array.isArray(raw) ? raw.filter((f): f is string => typeof f === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      return []; // none yet, or unreadable: start afresh
    }
  }

  list(): string[] {
    return this.files.filter((f) => existsSync(f));
  }

  add(file: string): void {
    this.files = [file, ...this.files.filter((f) => f !== file)].slice(0, MAX_RECENT);
    app.addRecentDocument(file);
    this.changed();
  }

  remove(file: string): void {
    this.files = this.files.filter((f) => f !== file);
    this.changed();
  }

  clear(): void {
    this.files = [];
    app.clearRecentDocuments();
    this.changed();
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private changed(): void {
    writeFileAtomic(this.store, JSON.stringify(this.files), () => {}); // best effort: the list is a convenience
    for (const cb of this.listeners) cb();
  }
}
