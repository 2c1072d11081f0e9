import { useCallback, useEffect, useRef, useState } from 'react';
import type { Dataset } from '../../../main/protocol/messages';
import { LIMITS } from '../../../main/protocol/limits';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { requestDataset } from '../../engine-requests';

export interface DatasetState {
  dataset: Dataset | null;
  /** "Reading x.csv…" while a parse is in flight. */
  busy: string | null;
  /** False for the built-in sample: the engine never sent its text, so only a swap is possible. */
  canPickAnyColumns: boolean;
  /** A note on the last load, e.g. which of several dropped files was used. */
  notice: string | null;
  loadFile: (file: File, notice?: string | null) => void;
  loadText: (name: string, text: string) => void;
  chooseColumns: (xColumn: string, yColumn: string) => void;
  /** For a session file: the data and, when a file was parsed, its text (so columns can change later). */
  save: () => SavedDataset;
  restore: (saved: SavedDataset) => void;
}

export interface SavedDataset {
  dataset: Dataset | null;
  source: { name: string; text: string } | null;
}

const MiB = 1024 * 1024;

/**
 * The data the regression runs on. Parsing happens in the engine (one CSV parser, validated
 * there); the renderer only reads the file and keeps the last text so a change of columns can
 * be re-parsed without asking for the file again. A failed load leaves the current data alone.
 */
export function useDataset(
  client: EngineClient,
  connection: ConnectionState,
  reportError: (message: string | null) => void,
): DatasetState {
  const [dataset, setDataset] = useState<Dataset | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const lastText = useRef<{ name: string; text: string } | null>(null);
  const defaultRequested = useRef(false);
  /** Bumped by every load and restore: a reply to an older one (a slow parse) is dropped. */
  const generation = useRef(0);

  useEffect(() => {
    if (connection !== 'open' || dataset || defaultRequested.current) return;
    defaultRequested.current = true;
    setBusy('Loading the sample data…');
    const asked = ++generation.current;
    requestDataset(client, { type: 'defaultDataset' })
      .then((d) => {
        if (asked === generation.current) setDataset(d);
      })
      .catch((err: Error) => {
        defaultRequested.current = false; // try again on the next connect
        reportError(`Could not load the sample data: ${err.message}`);
      })
      .finally(() => setBusy(null));
  }, [client, connection, dataset, reportError]);

  const parse = useCallback(
    (name: string, text: string, xColumn?: string, yColumn?: string) => {
      setBusy(`Reading ${name}…`);
      const columns = xColumn && yColumn ? { xColumn, yColumn } : {};
      const asked = ++generation.current;
      requestDataset(client, { type: 'parseCsv', name, text, ...columns })
        .then((d) => {
          if (asked !== generation.current) return;
          lastText.current = { name, text };
          setDataset(d);
          reportError(null);
        })
        .catch((err: Error) => reportError(`Could not use ${name}: ${err.message}. The previous data is still loaded.`))
        .finally(() => setBusy(null));
    },
    [client, reportError],
  );

  const loadText = useCallback(
    (name: string, text: string) => {
      setNotice(null);
      parse(name, text);
    },
    [parse],
  );

  const loadFile = useCallback(
    (file: File, note: string | null = null) => {
      setNotice(note);
      // Checked here too (the engine checks again) so a 2 GB drop is refused before it is read.
      if (file.size > LIMITS.maxCsvBytes) {
        reportError(
          `${file.name} is ${(file.size / MiB).toFixed(1)} MiB; the limit is ${LIMITS.maxCsvBytes / MiB} MiB. The previous data is still loaded.`,
        );
        return;
      }
      setBusy(`Reading ${file.name}…`);
      file
        .text()
        .then((text) => parse(file.name, text))
        .catch((err: Error) => {
          setBusy(null);
          reportError(`Could not read ${file.name}: ${err.message}`);
        });
    },
    [parse, reportError],
  );

  const chooseColumns = useCallback(
    (xColumn: string, yColumn: string) => {
      if (!dataset || (xColumn === dataset.xColumn && yColumn === dataset.yColumn)) return;
      if (lastText.current) {
        parse(lastText.current.name, lastText.current.text, xColumn, yColumn);
      } else if (xColumn === dataset.yColumn && yColumn === dataset.xColumn) {
        setDataset({ ...dataset, xColumn, yColumn, x: dataset.y, y: dataset.x });
      }
    },
    [dataset, parse],
  );

  const save = useCallback((): SavedDataset => ({ dataset, source: lastText.current }), [dataset]);
  const restore = useCallback((saved: SavedDataset) => {
    generation.current++;
    lastText.current = saved.source;
    defaultRequested.current = true; // a session's data replaces the sample: do not fetch it over it
    setNotice(null);
    setDataset(saved.dataset);
  }, []);

  return { dataset, busy, notice, canPickAnyColumns: lastText.current !== null, loadFile, loadText, chooseColumns, save, restore };
}
