/**
 * A folder of images → a table: every lane's attack on every loaded image, as one attackImages
 * request that the engine spreads over its worker threads (one TensorFlow.js each, so the rows
 * come as fast as the cores allow, in the order the images finish), a row per image and lane.
 * The lanes shown above the table keep their own run. Cancel ends the request within a step
 * and keeps the rows so far; an image whose worker died is a row that says why.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BatchImageMessage, EngineMessage } from '../../../main/protocol/messages';
import type { EngineClient } from '../../engine-client';
import { runCard, withBackend, type RunCard } from '../../export/run-card';
import type { PreparedRun } from '../../run/use-lab-run';
import type { BatchRow } from './batch-export';
import type { LoadedImage } from './use-images';

export interface BatchState {
  running: boolean;
  /** Images finished (with or without a result). */
  done: number;
  total: number;
  /** Worker threads the engine attacks on (known once it ends; until then the request's). */
  workers: number | null;
  rows: BatchRow[];
  /** The attacks, as the lanes' labels said when the batch began. */
  attacks: string[];
  /** The settings of the run (every image named in place of one), for the CSV. */
  card: RunCard | null;
  ended: 'complete' | 'cancelled' | 'interrupted' | null;
}

let nextBatch = 1;

/** An image's rows, one per lane, in the lanes' order. */
function rowsOf(m: BatchImageMessage, name: string, attacks: readonly string[]): BatchRow[] {
  if (!m.lanes) return [{ name, lane: attacks.length > 1 ? 'every lane' : (attacks[0] ?? ''), before: null, after: null, success: false, steps: 0, targetConfidence: 0, distance: null, error: m.error ?? 'no result' }];
  return m.lanes.map((l, i) => ({
    name,
    lane: attacks[i] ?? `lane ${i + 1}`,
    before: l.before.top5[0] ?? null,
    after: l.last.classification.top5[0] ?? null,
    success: l.last.success,
    steps: l.last.step,
    targetConfidence: l.last.targetConfidence,
    distance: l.last.distance,
  }));
}

export function useBatch(client: EngineClient, prepare: (image: LoadedImage) => PreparedRun | string) {
  const [state, setState] = useState<BatchState | null>(null);
  const current = useRef<{ requestId: string; off: () => void } | null>(null);

  const finish = useCallback((ended: BatchState['ended'], patch: Partial<BatchState> = {}) => {
    current.current?.off();
    current.current = null;
    setState((s) => s && { ...s, ...patch, running: false, ended });
  }, []);

  const start = useCallback(
    (images: LoadedImage[], attacks: string[]) => {
      if (current.current || !images.length) return;
      const prepared = prepare(images[0]!);
      if (typeof prepared === 'string' || prepared.config.lab !== 'adversarial') return;
      const { config } = prepared;
      const { problem, ...rest } = runCard(config, prepared.about);
      // One card for the table: the run's, with every image named in place of the first.
      const card: RunCard = { ...rest, problem: { ...(problem as object), image: undefined }, images: images.map((im) => im.name) };
      const requestId = `batch-${nextBatch++}-${Date.now().toString(36)}`;
      // Rows in the images' order, whatever order they finish in.
      const byImage: BatchRow[][] = images.map(() => []);
      let done = 0;
      const rows = () => byImage.flat();
      const off = client.onMessage((m: EngineMessage) => {
        if (!('requestId' in m) || m.requestId !== requestId) return;
        if (m.type === 'batchImage') {
          byImage[m.index] = rowsOf(m, images[m.index]?.name ?? `image ${m.index + 1}`, attacks);
          done++;
          setState((s) => s && { ...s, rows: rows(), done });
        } else if (m.type === 'batchDone') {
          finish(m.cancelled ? 'cancelled' : 'complete', { rows: rows(), done, workers: m.workers, card: withBackend(card, m.backend) });
        } else if (m.type === 'error') {
          const failed = byImage.map((r, i) => (r.length ? r : rowsOf({ type: 'batchImage', requestId, index: i, error: m.error.message }, images[i]!.name, attacks)));
          finish('interrupted', { rows: failed.flat(), done });
        }
      });
      current.current = { requestId, off };
      setState({ running: true, done: 0, total: images.length, workers: null, rows: [], attacks, ended: null, card });
      client.send({
        type: 'attackImages',
        requestId,
        model: config.problem.model,
        images: images.map((im) => ({ name: im.name, width: im.decoded.width, height: im.decoded.height, rgb: im.decoded.rgb })),
        lanes: config.lanes,
        seed: config.seed,
      });
    },
    [client, prepare, finish],
  );

  /** The engine ends the request within a step and answers batchDone (cancelled). */
  const cancel = useCallback(() => {
    if (current.current) client.send({ type: 'cancel', requestId: current.current.requestId });
  }, [client]);

  // An engine that restarts forgets the request: the table ends there, its rows kept.
  useEffect(
    () =>
      client.onMessage((m) => {
        if (m.type === 'engineRestarted' && current.current) finish('interrupted');
      }),
    [client, finish],
  );

  const close = useCallback(() => {
    if (!current.current) setState(null);
  }, []);

  return { batch: state, startBatch: start, cancelBatch: cancel, closeBatch: close, batchRunning: () => current.current !== null };
}
