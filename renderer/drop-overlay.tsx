import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { SESSION_EXTENSION } from '../main/protocol/session';

/** Opens a session file; a `.descent` file dropped on any lab goes here instead of to the lab. */
export const SessionDropContext = createContext<((file: File) => void) | null>(null);

const isSessionFile = (f: File) => f.name.toLowerCase().endsWith(`.${SESSION_EXTENSION}`);

/** How long without a dragover before the overlay assumes the drag ended unseen. */
const DRAG_IDLE_MS = 1500;

const TEXT_TYPES = new Set(['text/csv', 'text/tab-separated-values', 'text/plain', 'application/vnd.ms-excel']);

/** A name or type that suggests a delimited text file. */
export function looksLikeTable(file: File): boolean {
  return /\.(csv|tsv|txt)$/i.test(file.name) || TEXT_TYPES.has(file.type);
}

/**
 * Of several dropped files, the first that looks like a table (or the first of all, so the
 * user still hears why it failed), and a sentence naming what was used when others were left.
 */
export function pickDroppedFile(files: readonly File[]): { file: File; note: string | null } | null {
  const file = files.find(looksLikeTable) ?? files[0];
  if (!file) return null;
  if (files.length === 1) return { file, note: null };
  const others = files.filter((f) => f !== file).map((f) => f.name);
  return {
    file,
    note: `${files.length} files dropped; one is opened at a time, so ${file.name} was used (not ${others.join(', ')}).`,
  };
}

/** A lab that opens one file at a time (the first table-like one), or one that takes every file dropped. */
type DropTarget = { onFile: (file: File, note: string | null) => void; onFiles?: undefined } | { onFiles: (files: File[]) => void; onFile?: undefined };

/**
 * Accepts a file dropped anywhere on the window and shows a full-window target while one is
 * dragged over. Listens on `window` so drops on canvases and panels count too; a counter
 * copes with dragenter/dragleave firing for every child element crossed. A drag cancelled with
 * Escape, or ended outside the window, may send no dragleave, so the overlay also goes on
 * dragend, window blur, any mouse move with no button down (there are none during a drag), and
 * when dragover, which repeats while a drag is over the page, stops coming.
 */
export function DropOverlay(props: { hint: string; enabled?: boolean } & DropTarget) {
  const { hint, enabled = true } = props;
  const [active, setActive] = useState(false);
  const target = useRef<DropTarget>(props);
  target.current = props;
  const openSession = useContext(SessionDropContext);
  const openSessionRef = useRef(openSession);
  openSessionRef.current = openSession;

  useEffect(() => {
    if (!enabled) {
      setActive(false);
      return;
    }
    let depth = 0;
    let shown = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const hide = () => {
      depth = 0;
      clearTimeout(idle);
      if (!shown) return;
      shown = false;
      setActive(false);
    };
    const show = () => {
      clearTimeout(idle);
      idle = setTimeout(hide, DRAG_IDLE_MS);
      if (shown) return;
      shown = true;
      setActive(true);
    };
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      show();
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // without this the browser would navigate to the file
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      show();
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) hide();
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      hide();
      let files = Array.from(e.dataTransfer?.files ?? []);
      const session = files.find(isSessionFile);
      if (session && openSessionRef.current) {
        openSessionRef.current(session);
        files = files.filter((f) => !isSessionFile(f));
      }
      const t = target.current;
      if (t.onFiles) {
        if (files.length) t.onFiles(files);
        return;
      }
      const picked = files.length ? pickDroppedFile(files) : null;
      if (picked) t.onFile(picked.file, picked.note);
    };
    const move = (e: MouseEvent) => {
      if (e.buttons === 0) hide();
    };
    const listeners: [string, EventListener][] = [
      ['dragenter', enter as EventListener],
      ['dragover', over as EventListener],
      ['dragleave', leave as EventListener],
      ['drop', drop as EventListener],
      ['dragend', hide],
      ['blur', hide],
      ['mousemove', move as EventListener],
      ['pointermove', move as EventListener],
    ];
    // Capture, so a child that stops propagation cannot keep the overlay up.
    for (const [type, fn] of listeners) window.addEventListener(type, fn, true);
    return () => {
      clearTimeout(idle);
      for (const [type, fn] of listeners) window.removeEventListener(type, fn, true);
    };
  }, [enabled]);

  if (!active) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-card">{hint}</div>
    </div>
  );
}
