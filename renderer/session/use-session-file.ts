/**
 * Save and Open of session files for the whole window. In Electron main writes the file
 * atomically and remembers where (Save goes back there; Save As asks), and opened sessions come
 * from its dialog, Open Recent or a file opened with the app; in a browser Save downloads the
 * file and Open reads one the user picks.
 */
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { APP_VERSION } from '../../main/protocol/app-info';
import type { LabName } from '../../main/protocol/limits';
import { LAB_NAMES } from '../../main/protocol/limits';
import { decodeSession, encodeSession, SESSION_EXTENSION, SESSION_FORMAT_VERSION, type Session } from '../../main/protocol/session';
import { getDesktopApi } from '../desktop-bridge';
import { APP_LABEL } from '../export/run-card';
import { saveFile } from '../save-file';
import type { SessionParts } from './session-parts';

interface Options {
  parts: SessionParts;
  activeLab: LabName;
  showLab: (lab: LabName) => void;
  /** An error (null clears it). */
  reportError: (message: string | null) => void;
  /** A passing note ("Saved x.descent"). */
  reportNotice: (message: string | null) => void;
  /** The page's hidden file input for Open in a browser. */
  fileInput: RefObject<HTMLInputElement | null>;
}

export function useSessionFile({ parts, activeLab, showLab, reportError, reportNotice, fileInput }: Options) {
  const latest = useRef({ activeLab });
  latest.current = { activeLab };
  /** After a session opened only in part, Save asks where: writing over it would drop the parts lost. */
  const mustAsk = useRef(false);

  const build = useCallback((): Uint8Array => {
    const session: Session = {
      format: 'descent-session',
      version: SESSION_FORMAT_VERSION,
      savedWith: APP_VERSION,
      savedAt: new Date().toISOString(),
      activeLab: latest.current.activeLab,
      labs: parts.saveAll(),
    };
    return encodeSession(session);
  }, [parts]);

  const save = useCallback(
    async (saveAs = false) => {
      let bytes: Uint8Array;
      try {
        bytes = build();
      } catch (e) {
        reportError(`Could not save the session: ${(e as Error).message}`);
        return;
      }
      const name = `descent-session.${SESSION_EXTENSION}`;
      const api = getDesktopApi();
      if (!api) {
        saveFile(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
        return;
      }
      const r = await api.saveSession(bytes, name, saveAs || mustAsk.current);
      if (r.saved) {
        mustAsk.current = false;
        reportNotice(`Saved ${r.name}`);
      }
      else if (r.error) reportError(`Could not save the session: ${r.error}`);
    },
    [build, reportError, reportNotice],
  );

  const load = useCallback(
    (name: string, bytes: Uint8Array) => {
      let session: Session;
      try {
        session = decodeSession(bytes, name, APP_LABEL);
      } catch (e) {
        reportError((e as Error).message);
        return;
      }
      const problems = parts.loadAll(session.labs);
      mustAsk.current = problems.length > 0;
      if (problems.length) reportError(`Opened ${name}, but ${problems.join('; ')}.`);
      else {
        reportError(null);
        reportNotice(`Opened ${name} (saved ${session.savedAt.slice(0, 16).replace('T', ' ')})`);
      }
      if ((LAB_NAMES as readonly string[]).includes(session.activeLab)) showLab(session.activeLab);
    },
    [parts, reportError, reportNotice, showLab],
  );

  const openDialog = useCallback(() => {
    const api = getDesktopApi();
    if (api) api.openSessionDialog();
    else fileInput.current?.click();
  }, [fileInput]);

  const openFile = useCallback(
    (file: File) => {
      file
        .arrayBuffer()
        .then((b) => load(file.name, new Uint8Array(b)))
        .catch((e: Error) => reportError(`Could not read ${file.name}: ${e.message}`));
    },
    [load, reportError],
  );

  // Electron: sessions main opened, and File > Save Session / Save Session As.
  useEffect(() => {
    const api = getDesktopApi();
    if (!api) return;
    const offOpened = api.onSessionOpened((s) => load(s.name, s.bytes));
    const offMenu = api.onMenu((command) => {
      if (command === 'saveSession') void save(false);
      else if (command === 'saveSessionAs') void save(true);
    });
    return () => {
      offOpened();
      offMenu();
    };
  }, [load, save]);

  // Ctrl+S saves and Ctrl+Shift+O opens, as in most desktop apps (Electron's menu has them too).
  useEffect(() => {
    if (getDesktopApi()) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 's') {
        e.preventDefault();
        void save(e.shiftKey);
      } else if (key === 'o' && e.shiftKey) {
        e.preventDefault();
        openDialog();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, openDialog]);

  return { save, openDialog, openFile, load };
}
