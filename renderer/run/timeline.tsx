/**
 * Under each lab: the timeline of the shown run (scrub a paused or finished run back and forth,
 * every lane in step) and its exports — the view as PNG, the run as an animated GIF or a WebM
 * video (long: with progress and Cancel), the histories as CSV and JSON.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { canvasToPng, captureView } from '../export/capture-view';
import { csvComments } from '../export/csv-text';
import { jsonWithRunCard, runCardCaption, type RunCard } from '../export/run-card';
import { DEFAULT_REPLAY, exportGif, exportWebm } from '../export/replay-export';
import { saveFile } from '../save-file';
import type { RunPhase } from './run-store-base';

interface TimelineStore {
  phase: RunPhase;
  iteration: number;
  cursor: number | null;
  version: number;
  readonly shownIteration: number;
  readonly runCard: RunCard | null;
  setCursor(iteration: number | null): void;
}

/**
 * The run's recorded values as the lab writes them: CSV (a row per lane and iteration) and JSON.
 * The timeline puts the run card (run-card.ts) in front of both.
 */
export interface HistoryFiles {
  csv(): string;
  json(): string;
}

interface TimelineProps {
  store: TimelineStore;
  history: HistoryFiles;
  /** The element whose picture the PNG, GIF and WebM exports take. */
  viewRef: RefObject<HTMLElement | null>;
  /** File names start with this (e.g. "regression"). */
  fileBase: string;
  onError: (message: string) => void;
}

const REFRESH_MS = 100;

export function RunTimeline({ store, history, viewRef, fileBase, onError }: TimelineProps) {
  const [snap, setSnap] = useState({ version: -1, phase: store.phase, last: store.iteration, shown: store.shownIteration, live: store.cursor === null });
  const [job, setJob] = useState<{ what: string; done: number; total: number; abort: AbortController } | null>(null);
  const jobRef = useRef(job);
  jobRef.current = job;

  useEffect(() => {
    const timer = setInterval(() => {
      setSnap((s) =>
        s.version === store.version ? s : { version: store.version, phase: store.phase, last: store.iteration, shown: store.shownIteration, live: store.cursor === null },
      );
    }, REFRESH_MS);
    return () => {
      clearInterval(timer);
      jobRef.current?.abort.abort();
    };
  }, [store]);

  const hasRun = snap.phase !== 'idle' && snap.phase !== 'starting';
  const scrubbable = hasRun && snap.phase !== 'running' && snap.last > 0;
  const stamp = () => `${fileBase}-it${store.shownIteration}`;

  const savePng = async () => {
    const root = viewRef.current;
    if (!root) return;
    try {
      saveFile(`${stamp()}.png`, await canvasToPng(captureView(root, window.devicePixelRatio || 1, undefined, runCardCaption(store.runCard)).canvas));
    } catch (e) {
      onError(`Could not save the picture: ${(e as Error).message}`);
    }
  };

  const saveReplay = async (kind: 'gif' | 'webm') => {
    const root = viewRef.current;
    if (!root || job) return;
    const abort = new AbortController();
    setJob({ what: kind.toUpperCase(), done: 0, total: DEFAULT_REPLAY.frames, abort });
    const source = { lastIteration: store.iteration, show: (it: number | null) => store.setCursor(it), root, caption: runCardCaption(store.runCard) };
    const options = { ...DEFAULT_REPLAY, signal: abort.signal, onProgress: (done: number, total: number) => setJob((j) => (j && { ...j, done, total })) };
    try {
      const { blob } = await (kind === 'gif' ? exportGif(source, options) : exportWebm(source, options));
      saveFile(`${fileBase}-run.${kind}`, blob);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') onError(`Could not export the ${kind.toUpperCase()}: ${(e as Error).message}`);
    } finally {
      setJob(null);
    }
  };

  const saveHistory = (kind: 'csv' | 'json') => {
    const text = kind === 'csv' ? csvComments(store.runCard) + history.csv() : jsonWithRunCard(history.json(), store.runCard);
    saveFile(`${fileBase}-history.${kind}`, new Blob([text], { type: kind === 'csv' ? 'text/csv' : 'application/json' }));
  };

  return (
    <div className="timeline" role="group" aria-label="Timeline and export">
      <label className="timeline-slider" title={scrubbable ? 'Scrub through the recorded run; every lane moves together' : 'Pause or finish a run to scrub through it'}>
        <span className="field-label">timeline</span>
        <input
          type="range"
          min={0}
          max={Math.max(1, snap.last)}
          step={1}
          value={Math.min(snap.shown, Math.max(1, snap.last))}
          disabled={!scrubbable || !!job}
          data-testid="timeline"
          aria-valuetext={`iteration ${snap.shown} of ${snap.last}`}
          onChange={(e) => store.setCursor(Number(e.target.value))}
        />
        <span className="timeline-position" data-testid="timeline-position">
          {hasRun ? `${snap.shown} / ${snap.last}` : '—'}
        </span>
      </label>
      <button type="button" className="small" disabled={snap.live || !!job} onClick={() => store.setCursor(null)} data-testid="timeline-latest" title="Back to the latest iteration">
        latest
      </button>
      <span className="export-group" role="group" aria-label="Export">
        <span className="field-label">export</span>
        <button type="button" className="small" disabled={!hasRun} onClick={() => void savePng()} data-testid="export-view-png" title="The view as it is now, as a PNG">
          PNG
        </button>
        <button type="button" className="small" disabled={!scrubbable || !!job} onClick={() => void saveReplay('gif')} data-testid="export-gif" title="The run replayed as an animated GIF">
          GIF
        </button>
        <button type="button" className="small" disabled={!scrubbable || !!job} onClick={() => void saveReplay('webm')} data-testid="export-webm" title="The run replayed as a WebM video">
          WebM
        </button>
        <button type="button" className="small" disabled={!hasRun} onClick={() => saveHistory('csv')} data-testid="export-history-csv" title="Every lane's recorded values per iteration, as CSV">
          CSV
        </button>
        <button type="button" className="small" disabled={!hasRun} onClick={() => saveHistory('json')} data-testid="export-history-json" title="The settings and every lane's recorded values, as JSON">
          JSON
        </button>
      </span>
      {job && (
        <span className="export-progress" role="status" data-testid="export-progress">
          {job.what} frame {job.done} of {job.total}
          <progress max={job.total} value={job.done} />
          <button type="button" className="small" onClick={() => job.abort.abort()} data-testid="export-cancel">
            Cancel
          </button>
        </span>
      )}
    </div>
  );
}
