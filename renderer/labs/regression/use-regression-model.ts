/**
 * The Regression lab's model as the engine sees it over the data shown: its parameters, whether
 * it is linear in them, the exact least-squares fit and its curve, the start's curve; asked a
 * moment after the user stops typing (the page never parses formulas). A model the engine
 * refuses leaves the last good answer in place and says why, in the engine's words. The line
 * (`a*x + b`) asks nothing: the page has its maths already.
 */
import { useEffect, useRef, useState } from 'react';
import type { Dataset, RegressionModelReply } from '../../../main/protocol/messages';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { requestRegressionModel } from '../../engine-requests';

const DEBOUNCE_MS = 250;

export interface RegressionModelState {
  /** The last model the engine accepted, over the data shown, with the start asked about. */
  info: RegressionModelReply | null;
  /** Why the current model was refused; null when it is the one shown (or on its way). */
  error: string | null;
}

/** `model` null: the line, nothing to ask. */
export function useRegressionModel(client: EngineClient, connection: ConnectionState, model: string | null, dataset: Dataset | null, init: Record<string, number>): RegressionModelState {
  const [state, setState] = useState<RegressionModelState>({ info: null, error: null });
  const key = JSON.stringify({ model, init });
  const latest = useRef('');
  latest.current = `${key}|${dataset?.name}|${dataset?.xColumn}|${dataset?.yColumn}|${dataset?.x.length}`;
  useEffect(() => {
    if (connection !== 'open' || model === null || !dataset) {
      setState({ info: null, error: null });
      return;
    }
    const asked = latest.current;
    const timer = setTimeout(() => {
      requestRegressionModel(client, { type: 'regressionModel', model, x: dataset.x, y: dataset.y, init }).then(
        (info) => {
          if (latest.current !== asked) return; // a newer model is on its way
          setState({ info, error: null });
        },
        (e: Error) => {
          if (latest.current !== asked) return;
          setState((s) => ({ info: s.info, error: e.message }));
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `key` stands for model and init.
  }, [client, connection, key, dataset]);
  return state;
}
