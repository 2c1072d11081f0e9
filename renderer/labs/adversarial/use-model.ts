/**
 * Which classifier the lab attacks: the engine's list (manifest models and folders the user
 * opened), the chosen one loaded — downloaded first when it is not on disk, with progress and
 * a Cancel — and its labels once it is ready. Loading starts when the lab is first shown, so
 * the other labs never pay for a model they do not use.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModelDownloadProgress } from '../../../main/protocol/adversarial';
import type { ModelEntry, ModelInfo } from '../../../main/protocol/messages';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { addModelFolder, loadModel, requestModels } from '../../engine-requests';

export const DEFAULT_MODEL = 'mobilenet_v1_0.75_224';

export type InputScalingChoice = 'pixel/255' | 'pixel/127.5-1' | 'auto';

export type ModelState =
  | { kind: 'listing' }
  | { kind: 'idle' }
  | { kind: 'loading'; progress: ModelDownloadProgress | null }
  | { kind: 'ready'; info: ModelInfo }
  /** Not on disk and not downloadable here: the user can open a folder instead. */
  | { kind: 'unavailable'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export interface ModelFolderFile {
  path: string;
  bytes: Uint8Array;
}

export function useModel(client: EngineClient, connection: ConnectionState, active: boolean, reportError: (message: string | null) => void) {
  const [models, setModels] = useState<ModelEntry[]>([]);
  const [modelId, setModelId] = useState<string | null>(null);
  const modelIdRef = useRef(modelId);
  modelIdRef.current = modelId;
  const [state, setState] = useState<ModelState>({ kind: 'listing' });
  const [shownOnce, setShownOnce] = useState(active);
  const [addingFolder, setAddingFolder] = useState(false);
  const cancelLoad = useRef<(() => void) | null>(null);
  if (active && !shownOnce) setShownOnce(true);

  // A restarted engine (same connection) has loaded nothing and knows no opened folders.
  const [engineEpoch, setEngineEpoch] = useState(0);
  useEffect(() => client.onMessage((m) => m.type === 'engineRestarted' && setEngineEpoch((e) => e + 1)), [client]);

  // Each (re)connection may be a fresh engine: ask again what it has, and load again.
  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    setState({ kind: 'listing' });
    requestModels(client)
      .then((list) => {
        if (!live) return;
        setModels(list);
        const id = modelIdRef.current;
        const kept = id !== null && list.some((m) => m.id === id);
        setModelId(kept ? id : ((list.find((m) => m.id === DEFAULT_MODEL) ?? list[0])?.id ?? null));
        setState({ kind: 'idle' });
        if (!kept && id?.startsWith('folder:')) reportError('The engine restarted and no longer has the model folder you opened: open it again (the default model is loaded meanwhile).');
      })
      .catch((e: Error) => live && setState({ kind: 'failed', message: `Could not list the models: ${e.message}` }));
    return () => {
      live = false;
    };
  }, [client, connection, engineEpoch, reportError]);

  const load = useCallback(
    (id: string) => {
      cancelLoad.current?.();
      setState({ kind: 'loading', progress: null });
      const job = loadModel(client, id, (progress) => setState({ kind: 'loading', progress }));
      let cancelled = false;
      cancelLoad.current = () => {
        cancelled = true;
        job.cancel();
      };
      job.done
        .then((info) => {
          if (cancelled) return;
          setModels((list) => list.map((m) => (m.id === info.id ? { ...m, available: true } : m)));
          setState({ kind: 'ready', info });
        })
        .catch((e: Error) => {
          if (cancelled) return;
          if (e.name === 'ModelNotAvailableError') setState({ kind: 'unavailable', message: e.message });
          else setState({ kind: 'failed', message: e.message });
        })
        .finally(() => {
          if (!cancelled) cancelLoad.current = null;
        });
    },
    [client],
  );

  // The chosen model loads once the lab has been shown and the list is in.
  useEffect(() => {
    if (shownOnce && modelId && state.kind === 'idle') load(modelId);
  }, [shownOnce, modelId, state.kind, load]);

  const choose = useCallback(
    (id: string) => {
      cancelLoad.current?.();
      cancelLoad.current = null;
      setModelId(id);
      setState({ kind: 'idle' });
    },
    [],
  );

  const cancel = useCallback(() => {
    cancelLoad.current?.();
    cancelLoad.current = null;
    setState({ kind: 'cancelled' });
  }, []);

  const retry = useCallback(() => {
    if (modelId) load(modelId);
  }, [modelId, load]);

  /** A folder the user picked: its files go to the engine, which checks it loads and names it. */
  const openFolder = useCallback(
    (name: string, files: ModelFolderFile[], scaling: InputScalingChoice) => {
      setAddingFolder(true);
      addModelFolder(client, { name, files, ...(scaling === 'auto' ? {} : { inputScaling: scaling }) })
        .then((entry) => {
          reportError(null);
          setModels((list) => [...list.filter((m) => m.id !== entry.id), entry]);
          choose(entry.id);
        })
        .catch((e: Error) => reportError(`Could not open the model folder ${name}: ${e.message}`))
        .finally(() => setAddingFolder(false));
    },
    [client, choose, reportError],
  );

  useEffect(() => () => cancelLoad.current?.(), []);

  const entry = models.find((m) => m.id === modelId) ?? null;
  const info = state.kind === 'ready' && state.info.id === modelId ? state.info : null;
  return { models, modelId, entry, info, state, choose, cancel, retry, openFolder, addingFolder };
}
