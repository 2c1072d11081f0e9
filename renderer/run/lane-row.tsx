import type { ReactNode } from 'react';
import { OPTIMIZER_NAMES, OPTIMIZER_SPECS, type OptimizerName } from '../../main/protocol/optimizers';
import { NumberField } from '../number-field';
import { defaultParams, type OptimizerLane } from './optimizer-lane';
import { ScheduleFields } from './schedule-fields';

interface LaneRowProps<Lane extends OptimizerLane> {
  lane: Lane;
  index: number;
  canRemove: boolean;
  onChange: (lane: Lane) => void;
  onRemove: () => void;
  /** Runs the learning-rate finder on this lane (absent: the lab has none, or cannot run it now). */
  onFindRate?: () => void;
  /** The lab's own per-lane fields, under the hyper-parameters. */
  children?: ReactNode;
}

/** One optimizer, its hyper-parameters and its learning-rate schedule; ranges come from the protocol's registry. */
export function LaneRow<Lane extends OptimizerLane>({ lane, index, canRemove, onChange, onRemove, onFindRate, children }: LaneRowProps<Lane>) {
  const spec = OPTIMIZER_SPECS[lane.optimizer];
  const changeOptimizer = (optimizer: OptimizerName) => {
    // Fresh defaults: a plain-GD rate (2e-5) would stall Adam, and Adam's (0.1) would blow GD up.
    onChange({ ...lane, optimizer, params: defaultParams(optimizer) });
  };
  return (
    <li className="lane-row" data-testid={`lane-${index}`} style={{ borderLeftColor: lane.colour }}>
      <div className="lane-head">
        <span className="swatch" style={{ background: lane.colour }} aria-hidden />
        <select
          value={lane.optimizer}
          aria-label={`Lane ${index + 1} optimizer`}
          data-testid={`lane-optimizer-${index}`}
          title={spec.description}
          onChange={(e) => changeOptimizer(e.target.value as OptimizerName)}
        >
          {OPTIMIZER_NAMES.map((name) => (
            <option key={name} value={name}>
              {OPTIMIZER_SPECS[name].label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="icon-button"
          onClick={onRemove}
          disabled={!canRemove}
          aria-label={`Remove lane ${index + 1}`}
          title="Remove this lane"
          data-testid={`lane-remove-${index}`}
        >
          ×
        </button>
      </div>
      <div className="lane-params">
        {spec.params.map((p) => (
          <NumberField
            key={`${lane.optimizer}-${p.name}`}
            label={p.label}
            value={lane.params[p.name] ?? p.default}
            min={p.min}
            max={p.max}
            integer={p.integer}
            title={`${p.label}: ${p.min} to ${p.max}`}
            testId={`lane-${index}-${p.name}`}
            onChange={(v) => onChange({ ...lane, params: { ...lane.params, [p.name]: v } })}
          />
        ))}
      </div>
      <ScheduleFields schedule={lane.schedule} index={index} onChange={(schedule) => onChange({ ...lane, schedule })} />
      {onFindRate && (
        <div className="lane-find">
          <button type="button" className="small" onClick={onFindRate} data-testid={`lane-find-rate-${index}`} title="Run the learning-rate range test on this lane and pick its rate">
            Find learning rate…
          </button>
        </div>
      )}
      {children}
    </li>
  );
}
