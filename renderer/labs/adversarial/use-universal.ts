/**
 * The universal perturbation over the lab's images: one engine request (`universal`) making a
 * perturbation per ε listed, with every iteration's fooling rate as it goes (the curve fills in
 * as each ε finishes), Cancel at once (the engine makes it in a worker thread it terminates), and
 * the result: each ε's point, its δ and what it does to every image.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { UniversalProgressMessage, UniversalResultMessage } from '../../../main/protocol/messages';
import type { EngineClient } from '../../engine-client';
import { EngineError, runUniversalRequest } from '../../engine-requests';
import type { LoadedImage } from './use-images';
import type { UniversalState } from './saved-universal';



export function useUniversal(client: EngineClient) {
  const [state, setState] = useState<UniversalState | null>(null);
  const current = useRef<{ cancel: () => void } | null>(null);

  const start = useCallback(
    (images: LoadedImage[], model: string, epsilons: number[], iterations: number) => {
      if (current.current || !images.length) return;
      const base: UniversalState = { running: true, epsilons, iterations, images: images.map((im) => im.name), model, progress: null, finished: [], result: null, ended: null, error: null };
      setState(base);
      const { done, cancel } = runUniversalRequest(
        client,
        { type: 'universal', model, images: images.map((im) => ({ name: im.name, width: im.decoded.width, height: im.decoded.height, rgb: im.decoded.rgb })), epsilons, iterations },
        (p) =>
          setState((s) => {
            if (!s || !s.running) return s;
            const finished = p.iteration === p.iterations && p.imagesDone === 0 && !s.finished.some((f) => f.epsilon === p.epsilon) ? [...s.finished, { epsilon: p.epsilon, foolingRate: p.foolingRate }] : s.finished;
            return { ...s, progress: p, finished };
          }),
      );
      const entry = { cancel };
      current.current = entry;
      // Only while it is still the request shown (an engine restart has ended it already).
      const settle = (patch: Partial<UniversalState>) => {
        if (current.current !== entry) return;
        current.current = null;
        setState((s) => s && { ...s, running: false, ...patch });
      };
      done.then(
        (result) => settle({ ended: 'complete', result, finished: result.points.map((p) => ({ epsilon: p.epsilon, foolingRate: p.foolingRate })) }),
        (e: Error) => settle(e instanceof EngineError && e.name === 'Cancelled' ? { ended: 'cancelled' } : { ended: 'failed', error: e.message }),
      );
    },
    [client],
  );

  /** The engine ends it at once and answers Cancelled. */
  const cancel = useCallback(() => current.current?.cancel(), []);

  // An engine that restarts forgets the request: it ends here, with what it had said.
  useEffect(
    () =>
      client.onMessage((m) => {
        if (m.type !== 'engineRestarted' || !current.current) return;
        current.current = null;
        setState((s) => s && { ...s, running: false, ended: 'failed', error: 'The engine restarted; run it again.' });
      }),
    [client],
  );

  /** Shows a finished one (from a session) in place of what was shown; one running is cancelled. */
  const restore = useCallback((saved: UniversalState | null) => {
    current.current?.cancel();
    current.current = null;
    setState(saved);
  }, []);

  return { universal: state, startUniversal: start, cancelUniversal: cancel, restoreUniversal: restore, universalRunning: () => current.current !== null };
}
