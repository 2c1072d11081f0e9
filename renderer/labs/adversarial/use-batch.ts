/**
 * A folder of images → a table: the first lane's attack run over each loaded image in turn,
 * through the same store and views as any run (so each attack can be watched), recording each
 * image's final report. One run at a time, as the engine allows; Cancel stops the current run
 * and keeps the rows so far.
 */
import { useCallback, useRef, useState } from 'react';
import { latestReport, type AdversarialStore } from './adversarial-store';
import type { BatchRow } from './batch-export';
import type { LoadedImage } from './use-images';

export interface BatchState {
  running: boolean;
  /** Images finished (with or without a result). */
  done: number;
  total: number;
  current: string | null;
  rows: BatchRow[];
  /** The attack, as the first lane's label said when the batch began. */
  attack: string;
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
    async (images: LoadedImage[], attack: string) => {
      if (running.current || !images.length) return;
      running.current = true;
      cancelled.current = false;
      const rows: BatchRow[] = [];
      let ended: BatchState['ended'] = 'complete';
      setState({ running: true, done: 0, total: images.length, current: images[0]!.name, rows: [], attack, ended: null });
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
          const outcome = await runEnd(store, runId);
          if (outcome === 'replaced') {
            ended = 'interrupted';
            break;
          }
          if (outcome === 'stopped' && cancelled.current) {
            ended = 'cancelled';
            break;
          }
          const lane = store.lanes[0];
          const last = lane ? latestReport(lane) : null;
          if (outcome === 'failed' || !last) {
            rows.push({ name: image.name, before: null, after: null, success: false, steps: 0, targetConfidence: 0, distance: null, error: 'the engine refused this run' });
          } else {
            rows.push({
              name: image.name,
              before: store.before?.top5[0] ?? null,
              after: last.classification.top5[0] ?? null,
              success: last.success,
              steps: last.step,
              targetConfidence: last.targetConfidence,
              distance: last.distance,
            });
          }
          setState((s) => s && { ...s, rows: [...rows], done: i + 1 });
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
