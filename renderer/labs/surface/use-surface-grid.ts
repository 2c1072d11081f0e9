/**
 * The function as the views draw it: f over a grid of the window, asked of the engine (which
 * alone parses formulas) a moment after the user stops typing. A formula the engine refuses
 * leaves the last good grid in place and says why, in the engine's words ("unknown function
 * 'sine' at column 1").
 */
import { useEffect, useRef, useState } from 'react';
import type { SurfaceGridReply } from '../../../main/protocol/messages';
import type { SurfaceFunction, SurfaceWindow } from '../../../main/protocol/surface';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { requestSurfaceGrid } from '../../engine-requests';

/** Grid points a side: smooth at the views' sizes, ≈ 20 ms of float64 evaluation. */
export const GRID_RESOLUTION = 161;
const DEBOUNCE_MS = 250;

export interface SurfaceGridState {
  /** The last function the engine accepted, over its window. */
  grid: SurfaceGridReply | null;
  /** Why the current function was refused; null when it is the one drawn (or on its way). */
  error: string | null;
  /** The function asked about is not drawn yet. */
  pending: boolean;
}

export function useSurfaceGrid(client: EngineClient, connection: ConnectionState, fn: SurfaceFunction, window: SurfaceWindow): SurfaceGridState {
  const [state, setState] = useState<SurfaceGridState>({ grid: null, error: null, pending: true });
  const key = JSON.stringify({ fn, window });
  const latest = useRef(key);
  latest.current = key;
  useEffect(() => {
    if (connection !== 'open') return;
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      requestSurfaceGrid(client, { type: 'surfaceGrid', fn, window, resolution: GRID_RESOLUTION }).then(
        (grid) => {
          if (latest.current !== key) return; // a newer function is on its way
          setState({ grid, error: null, pending: false });
        },
        (e: Error) => {
          if (latest.current !== key) return;
          setState((s) => ({ grid: s.grid, error: e.message, pending: false }));
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `key` stands for fn and window.
  }, [client, connection, key]);
  return state;
}
