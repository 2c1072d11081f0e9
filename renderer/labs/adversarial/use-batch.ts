/**
 * A folder of images → a table: every lane's attack run over each loaded image in turn, through
 * the same store and views as any run (so each attack can be watched, every lane in sight),
 * recording each image's final report per lane. One run at a time, as the engine allows; Cancel stops the current run
 * and keeps the rows so far.
 */
import { useCallback, useRef, useState } from 'react';
import { latestReport, type AdversarialStore } from './adversarial-store';
import type { RunCard } from '../../export/run-card';
import type { BatchRow } from './batch-export';
import type { LoadedImage } from './use-images';

export interface BatchState {
  running: boolean;
  /** Images finished (with or without a result). */
  done: number;
  total: number;
  current: string | null;
  rows: BatchRow[];
  /** The attacks, as the lanes' labels said when the batch began. */
  attacks: string[];
  /** The settings of the first image's run (the image aside), for the CSV. */
  card: RunCard | null;
  ended: 'complete' | 'cancelled' | 'interrupted' | null;
}

type Outcome = 'done' | 'stopped' | 'failed' | 'replaced';

/** Resolves when the run `runId` ends, is refused, or another run takes its place. */
function runEnd(store: AdversarialStore, runId: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const check = () => {
      let outcome: Outcome | null = null;
      if (store.runId === null && store.phase === 'idle') outcome = 'failed';
      else if (store.runId !== runId) outcome = 'replaced';
      else if (store.phase === 'done') outcome = 'done';
      else if (store.phase === 'stopped') outcome = 'stopped';
      if (outcome) {
        off();
        resolve(outcome);
      }
    };
    const off = store.onPhase(check);
    check();
  });
}

export function useBatch(store: AdversarialStore, launch: (image: LoadedImage) => string | null, stop: () => void) {
  const [state, setState] = useState<BatchState | null>(null);
  const cancelled = useRef(false);
  const running = useRef(false);

  const start = useCallback(
    async (images: LoadedImage[], attacks: string[]) => {
      if (running.current || !images.length) return;
      running.current = true;
      cancelled.current = false;
      const rows: BatchRow[] = [];
      let ended: BatchState['ended'] = 'complete';
      let card: RunCard | null = null;
      setState({ running: true, done: 0, total: images.length, current: images[0]!.name, rows: [], attacks, ended: null, card });
      try {
        for (const [i, image] of images.entries()) {
          if (cancelled.current) {
            ended = 'cancelled';
            break;
          }
          setState((s) => s && { ...s, current: image.name, done: i });
          const runId = launch(image);
          if (!runId) {
            ended = 'interrupted';
            break;
          }
          if (!card && store.runCard) {
            // One card for the table: the run's, with every image named in place of the first.
            const { problem, ...rest } = store.runCard;
            card = { ...rest, problem: { ...(problem as object), image: undefined }, images: images.map((im) => im.name) };
          }
          const outcome = await runEnd(store, runId);
          if (outcome === 'replaced') {
            ended = 'interrupted';
            break;
          }
          if (outcome === 'stopped' && cancelled.current) {
            ended = 'cancelled';
            break;
          }
          const lanes = outcome === 'failed' ? [] : store.lanes;
          if (!lanes.length) {
            rows.push({ name: image.name, lane: '', before: null, after: null, success: false, steps: 0, targetConfidence: 0, distance: null, error: 'the engine refused this run' });
          }
          for (const lane of lanes) {
            const last = latestReport(lane);
            rows.push(
              last
                ? {
                    name: image.name,
                    lane: lane.label,
                    before: store.before?.top5[0] ?? null,
                    after: last.classification.top5[0] ?? null,
                    success: last.success,
                    steps: last.step,
                    targetConfidence: last.targetConfidence,
                    distance: last.distance,
                  }
                : { name: image.name, lane: lane.label, before: null, after: null, success: false, steps: 0, targetConfidence: 0, distance: null, error: 'this lane reported nothing' },
            );
          }
          setState((s) => s && { ...s, rows: [...rows], done: i + 1, card });
        }
      } finally {
        running.current = false;
        setState((s) => s && { ...s, running: false, current: null, ended, rows: [...rows] });
      }
    },
    [store, launch],
  );

  const cancel = useCallback(() => {
    if (!running.current) return;
    cancelled.current = true;
    stop();
  }, [stop]);

  const close = useCallback(() => {
    if (!running.current) setState(null);
  }, []);

  return { batch: state, startBatch: start, cancelBatch: cancel, closeBatch: close, batchRunning: () => running.current };
}
