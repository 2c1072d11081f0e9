import type { ReactNode } from 'react';
import { LIMITS } from '../../main/protocol/limits';
import { NumberField } from '../number-field';
import type { ShownPhase } from './run-store-base';

export interface RunActions {
  run: () => void;
  pauseOrResume: () => void;
  step: () => void;
  stop: () => void;
  reset: () => void;
}

/** The run settings every lab has. */
export interface RunLength {
  maxIterations: number;
  /** 0 = as fast as the engine goes. */
  itersPerSecond: number;
  seed: number;
}

interface RunControlsProps {
  phase: ShownPhase;
  settings: RunLength;
  canRun: boolean;
  actions: RunActions;
  onSettings: (patch: Partial<RunLength>) => void;
  /** The settings differ from the ones the shown run started with (speed aside). */
  pendingChanges?: boolean;
  /** What Reset goes back to, for its tooltip. */
  resetTitle?: string;
  /** The lab's own run-wide fields, after the common ones. */
  children?: ReactNode;
}

/** Iterations per second; 0 means as fast as the engine goes. */
const SPEEDS = [1, 10, 60, 600, 6000, 0] as const;

export function RunControls({ phase, settings, canRun, actions, onSettings, pendingChanges, resetTitle = 'Back to the start', children }: RunControlsProps) {
  const active = phase === 'starting' || phase === 'running' || phase === 'paused' || phase === 'ready';
  const speedOptions = (SPEEDS as readonly number[]).includes(settings.itersPerSecond) ? SPEEDS : [...SPEEDS, settings.itersPerSecond];
  return (
    <div className="run-controls" role="toolbar" aria-label="Run controls">
      <div className="button-group">
        <button type="button" className="primary" onClick={actions.run} disabled={!canRun || phase === 'running' || phase === 'starting'} data-testid="run" title="Start a fresh run (Space)">
          ▶ Run
        </button>
        {/* A run that has not taken a step yet is ready: Run, Step or Space start it, there is nothing to resume. */}
        <button type="button" onClick={actions.pauseOrResume} disabled={phase !== 'running' && phase !== 'paused'} data-testid="pause" title="Pause or resume (Space)">
          {phase === 'paused' ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={actions.step} disabled={!canRun} data-testid="step" title="One iteration (→)">
          Step ›
        </button>
        <button type="button" onClick={actions.stop} disabled={!active} data-testid="stop" title="End the run here">
          ■ Stop
        </button>
        <button type="button" onClick={actions.reset} data-testid="reset" title={`${resetTitle} (R)`}>
          ↺ Reset
        </button>
      </div>
      <div className="control-fields">
        <NumberField
          label="iterations"
          value={settings.maxIterations}
          min={1}
          max={LIMITS.maxIterations}
          integer
          testId="max-iterations"
          onChange={(maxIterations) => onSettings({ maxIterations })}
        />
        <label className="field">
          <span className="field-label">speed</span>
          <select
            value={settings.itersPerSecond}
            data-testid="speed"
            onChange={(e) => onSettings({ itersPerSecond: Number(e.target.value) })}
          >
            {speedOptions.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'max' : `${s} it/s`}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          label="seed"
          value={settings.seed}
          min={0}
          max={2 ** 31 - 1}
          integer
          testId="seed"
          title="Same seed, same mini-batches: runs are repeatable"
          onChange={(seed) => onSettings({ seed })}
        />
        {children}
      </div>
      {pendingChanges && (
        <p className="pending-note" role="status" data-testid="pending-changes" title="Speed changes apply at once; everything else starts with the next run">
          Changes apply when you press Run
        </p>
      )}
    </div>
  );
}
