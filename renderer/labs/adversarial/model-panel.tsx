/**
 * The classifier: pick one of the engine's models, watch it load (a progress bar while it
 * downloads, with Cancel), or — where it cannot be had offline — open a TensorFlow.js model
 * folder instead. The folder is read by the page (a directory picker) and sent as bytes: the
 * page never names a path.
 */
import { useEffect, useRef, useState } from 'react';
import type { ModelEntry } from '../../../main/protocol/messages';
import type { InputScalingChoice, ModelFolderFile, ModelState } from './use-model';

interface ModelPanelProps {
  models: ModelEntry[];
  modelId: string | null;
  state: ModelState;
  addingFolder: boolean;
  onChoose: (id: string) => void;
  onCancel: () => void;
  onRetry: () => void;
  onOpenFolder: (name: string, files: ModelFolderFile[], scaling: InputScalingChoice) => void;
  reportError: (message: string | null) => void;
}

const SCALINGS: { value: InputScalingChoice; label: string }[] = [
  { value: 'auto', label: 'known model, or pixel / 255' },
  { value: 'pixel/255', label: 'pixel / 255 → [0, 1]' },
  { value: 'pixel/127.5-1', label: 'pixel / 127.5 − 1 → [−1, 1]' },
];

const MiB = 2 ** 20;

export function ModelPanel({ models, modelId, state, addingFolder, onChoose, onCancel, onRetry, onOpenFolder, reportError }: ModelPanelProps) {
  const folderInput = useRef<HTMLInputElement>(null);
  const [scaling, setScaling] = useState<InputScalingChoice>('auto');
  const entry = models.find((m) => m.id === modelId);

  // React has no typed prop for the directory picker; the attribute is what Chromium reads.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const readFolder = async (list: FileList) => {
    const files = Array.from(list);
    if (!files.length) return;
    const name = (files[0]!.webkitRelativePath || files[0]!.name).split('/')[0] || 'model';
    try {
      const read = await Promise.all(files.map(async (f) => ({ path: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      onOpenFolder(name, read, scaling);
    } catch (e) {
      reportError(`Could not read the folder ${name}: ${(e as Error).message}`);
    }
  };

  const offline = state.kind === 'unavailable';
  return (
    <section className="panel adv-model-panel" data-testid="model-panel">
      <div className="panel-title-row">
        <h2>Model</h2>
        <button type="button" className="small" onClick={() => folderInput.current?.click()} disabled={addingFolder} data-testid="open-model-folder" title="A TensorFlow.js layers or graph model folder (model.json, weight files and labels.json)">
          Open model folder…
        </button>
      </div>
      <select
        value={modelId ?? ''}
        aria-label="Model"
        data-testid="model-select"
        disabled={!models.length}
        onChange={(e) => {
          if (e.target.value !== modelId) onChoose(e.target.value);
        }}
      >
        {!models.length && <option value="">{state.kind === 'listing' ? 'asking the engine…' : 'no models'}</option>}
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.displayName}
            {m.available ? '' : ' (downloads on first use)'}
          </option>
        ))}
      </select>
      <div className="adv-model-status" data-testid="model-status" data-state={state.kind}>
        {state.kind === 'listing' && <span className="muted">Asking the engine for its models…</span>}
        {state.kind === 'idle' && <span className="muted">Loads when the lab is shown.</span>}
        {state.kind === 'loading' && (
          <>
            <div className="adv-progress-row">
              <progress
                max={state.progress?.bytesTotal || 1}
                value={state.progress ? state.progress.bytesDone : undefined}
                data-testid="model-progress"
                aria-label="Model download"
              />
              <button type="button" className="small" onClick={onCancel} data-testid="model-cancel">
                Cancel
              </button>
            </div>
            <span className="muted">
              {state.progress
                ? `Downloading ${entry?.displayName ?? state.progress.model}: ${(state.progress.bytesDone / MiB).toFixed(1)} of ${(state.progress.bytesTotal / MiB).toFixed(1)} MiB`
                : `Loading ${entry?.displayName ?? 'the model'}…`}
            </span>
          </>
        )}
        {state.kind === 'ready' && (
          <span data-testid="model-ready">
            <b>{state.info.displayName}</b> ready: {state.info.inputWidth}×{state.info.inputHeight} input, {state.info.labels.length} classes
            {!state.info.hasCatDog && <span className="muted"> (not ImageNet’s: no cat/dog bars)</span>}
          </span>
        )}
        {state.kind === 'cancelled' && (
          <span>
            Download cancelled.{' '}
            <button type="button" className="link-button" onClick={onRetry} data-testid="model-retry">
              Load it
            </button>
          </span>
        )}
        {(offline || state.kind === 'failed') && (
          <div className="adv-model-problem" role="alert" data-testid="model-problem">
            <p>{offline ? `${entry?.displayName ?? 'This model'} is not available offline: it is not on this computer and could not be downloaded.` : state.message}</p>
            {offline && <p className="muted">{state.message}</p>}
            <div className="adv-progress-row">
              <button type="button" className="small primary" onClick={() => folderInput.current?.click()} disabled={addingFolder}>
                Open model folder…
              </button>
              <button type="button" className="small" onClick={onRetry} data-testid="model-retry">
                Try again
              </button>
            </div>
          </div>
        )}
        {addingFolder && <span className="muted">Reading the model folder…</span>}
      </div>
      <details className="adv-folder-options">
        <summary>Opening a model folder</summary>
        <label className="field" title="How pixels 0–255 map to the input of a model folder that does not say (the manifest's models know their own)">
          <span className="field-label">input scaling, if the folder does not say</span>
          <select value={scaling} onChange={(e) => setScaling(e.target.value as InputScalingChoice)} data-testid="model-scaling">
            {SCALINGS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small-text">A TensorFlow.js layers or graph model: model.json, its weight files and a labels.json of class names in output order.</p>
      </details>
      <input
        ref={folderInput}
        type="file"
        multiple
        hidden
        data-testid="model-folder-input"
        onChange={(e) => {
          if (e.target.files) void readFolder(e.target.files);
          e.target.value = '';
        }}
      />
    </section>
  );
}
