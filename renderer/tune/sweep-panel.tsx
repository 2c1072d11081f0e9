/**
 * The sweep panel a lab shows in its sidebar: one optimizer over a grid of one or two of its
 * hyper-parameters (a progress bar, cancel, the heatmap filling in as the engine reports), a
 * click on a cell to race it as a lane; and the fair race, which sweeps each chosen
 * optimizer's learning rate and races every one at its own best rate, with the tuning budget
 * beside the race. The lab supplies the request (its problem) and what a lane is.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { EngineRequest } from '../../main/protocol/messages';
import { OPTIMIZER_NAMES, OPTIMIZER_SPECS, type OptimizerName } from '../../main/protocol/optimizers';
import { SWEEP_LIMITS, sweepAxisProblem, sweepAxisValues, sweepableParams, type SweepAxisSpec, type SweepResult } from '../../main/protocol/sweep';
import type { EngineClient } from '../engine-client';
import { EngineError, runSweepRequest } from '../engine-requests';
import { formatNumber } from '../format-number';
import { NumberField } from '../number-field';
import { saveSweep, savedSweepResult, type SavedSweep } from './saved-sweep';
import { SweepHeatmap, type HeatmapData } from './sweep-heatmap';

type SweepRequest = Extract<EngineRequest, { type: 'sweep' }>;

/** A sensible range for a hyper-parameter: the learning rate over four decades, others around their default. */
export function defaultAxis(optimizer: OptimizerName, name: string, cells = 12): SweepAxisSpec {
  const spec = sweepableParams(optimizer).find((p) => p.name === name)!;
  if (name === 'learningRate') return { name, lo: 1e-4, hi: 1, log: true, cells };
  if (spec.log) return { name, lo: Math.max(spec.min, spec.default / 100), hi: Math.min(spec.max, spec.default * 100), log: true, cells };
  return { name, lo: Math.max(spec.min, spec.max >= 1 ? 0 : 0.5), hi: Math.min(spec.max, 0.99), log: false, cells };
}

/** The fair race's result: each optimizer at its best rate, and what the tuning cost. */
export interface FairRace {
  lanes: { optimizer: OptimizerName; params: Record<string, number>; finalLoss: number }[];
  /** Cells × iterations over every optimizer's sweep, and the seconds the sweeps took. */
  cellSteps: number;
  seconds: number;
  sweeps: number;
  cellsEach: number;
  iterations: number;
}

export function fairRaceBudget(r: FairRace): string {
  return `tuning: ${r.sweeps} sweeps × ${r.cellsEach} rates × ${r.iterations.toLocaleString('en-US')} iterations = ${r.cellSteps.toLocaleString('en-US')} cell-steps (${r.seconds.toFixed(2)} s)`;
}

interface SweepPanelProps {
  client: EngineClient;
  /** The request for a grid, with the lab's problem; null when the lab cannot sweep now (a bad formula). */
  makeRequest: (grid: SweepRequest['grid']) => Omit<SweepRequest, 'requestId'> | null;
  iterations: number;
  /** A cell raced as a lane. */
  onCell: (optimizer: OptimizerName, params: Record<string, number>) => void;
  onFairRace: (race: FairRace) => void;
  reportError: (message: string | null) => void;
  /** Why the lab cannot sweep its problem now (shown beside the fields; the buttons wait), or null. */
  refused?: string | null;
  /** What SGD's sampling is in this lab (shown when SGD is chosen): its batch size is held for every cell, each drawing what a lane draws. */
  sgdNote?: string;
  /** A session's sweep to show again (a new object each time a session opens; sweep null: none). */
  restore?: { sweep: SavedSweep | null } | null;
  /** Each finished sweep of the grid (not the fair race's), for the lab's session. */
  onSweepDone?: (sweep: SavedSweep) => void;
  /** The lab's own settings of what a sweep descends (the Spread lab's loss), under the panel's note. */
  children?: ReactNode;
}

const AxisFields = ({ axis, optimizer, onChange, prefix }: { axis: SweepAxisSpec; optimizer: OptimizerName; onChange: (a: SweepAxisSpec) => void; prefix: string }) => (
  <>
    <div className="field-row">
      <label className="field">
        <span className="field-label">hyper-parameter</span>
        <select value={axis.name} data-testid={`${prefix}-name`} onChange={(e) => onChange(defaultAxis(optimizer, e.target.value, axis.cells))}>
          {sweepableParams(optimizer).map((p) => (
            <option key={p.name} value={p.name}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <NumberField label="cells" value={axis.cells} min={1} max={SWEEP_LIMITS.maxCellsPerAxis} integer testId={`${prefix}-cells`} onChange={(cells) => onChange({ ...axis, cells })} />
    </div>
    <div className="field-row sweep-range">
      <NumberField label="from" value={axis.lo} testId={`${prefix}-lo`} onChange={(lo) => onChange({ ...axis, lo })} />
      <NumberField label="to" value={axis.hi} testId={`${prefix}-hi`} onChange={(hi) => onChange({ ...axis, hi })} />
    </div>
    <label className="check">
      <input type="checkbox" checked={axis.log} data-testid={`${prefix}-log`} onChange={(e) => onChange({ ...axis, log: e.target.checked })} />
      log scale
    </label>
  </>
);

export function SweepPanel({ client, makeRequest, iterations, onCell, onFairRace, reportError, refused = null, sgdNote, restore = null, onSweepDone, children }: SweepPanelProps) {
  const [optimizer, setOptimizer] = useState<OptimizerName>('adam');
  /** The optimizer's settings a sweep holds fixed: SGD's batch size (an integer, not swept). */
  const [fixed, setFixed] = useState<Record<string, number>>({});
  const fixedSpecs = OPTIMIZER_SPECS[optimizer].params.filter((p) => p.integer);
  const [axis1, setAxis1] = useState<SweepAxisSpec>(() => defaultAxis('adam', 'learningRate'));
  const [useAxis2, setUseAxis2] = useState(false);
  const [axis2, setAxis2] = useState<SweepAxisSpec>(() => defaultAxis('adam', 'beta1', 8));
  const [raceOptimizers, setRaceOptimizers] = useState<OptimizerName[]>(['gd', 'momentum', 'rmsprop', 'adam']);
  const [busy, setBusy] = useState<{ label: string; done: number; of: number } | null>(null);
  const [heatmap, setHeatmap] = useState<(HeatmapData & { result?: SweepResult }) | null>(null);
  const [race, setRace] = useState<FairRace | null>(null);
  /** Colour by the iterations to reach this loss instead of the final loss. */
  const [byTolerance, setByTolerance] = useState(false);
  const [tolerance, setTolerance] = useState(1e-3);
  const cancelRef = useRef<(() => void) | null>(null);
  const detailsRef = useRef<HTMLDetailsElement>(null);

  // A session opened: its sweep's settings and heatmap (or none), the panel open on it.
  useEffect(() => {
    if (!restore) return;
    setRace(null);
    const saved = restore.sweep;
    if (!saved) {
      setHeatmap(null);
      return;
    }
    const { grid } = saved;
    const result = savedSweepResult(saved);
    setOptimizer(grid.optimizer);
    setFixed(Object.fromEntries(OPTIMIZER_SPECS[grid.optimizer].params.filter((p) => p.integer).map((p) => [p.name, grid.params[p.name] ?? p.default])));
    setAxis1(grid.axes[0]!);
    setUseAxis2(grid.axes.length === 2);
    if (grid.axes[1]) setAxis2(grid.axes[1]);
    setByTolerance(saved.tolerance !== null);
    if (saved.tolerance !== null) setTolerance(saved.tolerance);
    setHeatmap({ axes: result.axes, loss: result.finalLoss, ...(result.itersToTolerance ? { itersToTolerance: result.itersToTolerance, tolerance: saved.tolerance! } : {}), result });
    if (detailsRef.current) detailsRef.current.open = true;
  }, [restore]);

  const axes = useAxis2 ? [axis1, axis2] : [axis1];
  const problem =
    refused ??
    axes.map((a) => sweepAxisProblem(optimizer, a)).find((p) => p !== undefined) ??
    (useAxis2 && axis1.name === axis2.name ? `both axes sweep ${axis1.name}` : undefined);

  const chooseOptimizer = (o: OptimizerName) => {
    setOptimizer(o);
    setFixed(Object.fromEntries(OPTIMIZER_SPECS[o].params.filter((p) => p.integer).map((p) => [p.name, p.default])));
    setAxis1(defaultAxis(o, 'learningRate', axis1.cells));
    const second = sweepableParams(o).find((p) => p.name !== 'learningRate');
    if (second) setAxis2(defaultAxis(o, second.name, axis2.cells));
    else setUseAxis2(false);
  };

  /** One sweep through the engine, the heatmap following its progress. */
  const sweep = async (grid: SweepRequest['grid'], label: string, show: boolean, withTolerance = false): Promise<SweepResult | null> => {
    const made = makeRequest(grid);
    if (!made) return null;
    const req = withTolerance ? { ...made, tolerance } : made;
    const shownAxes = grid.axes.map((a) => ({ name: a.name, log: a.log, values: sweepAxisValues(a) }));
    setBusy({ label, done: 0, of: req.iterations });
    const { done, cancel } = runSweepRequest(client, req, (n, of, lossSoFar) => {
      setBusy({ label, done: n, of });
      if (show) setHeatmap({ axes: shownAxes, loss: lossSoFar });
    });
    cancelRef.current = cancel;
    try {
      const result = await done;
      if (show) {
        setHeatmap({
          axes: result.axes,
          loss: result.finalLoss,
          ...(result.itersToTolerance ? { itersToTolerance: result.itersToTolerance, tolerance: req.tolerance } : {}),
          result,
        });
      }
      return result;
    } finally {
      cancelRef.current = null;
    }
  };

  const runGrid = async () => {
    setRace(null);
    setHeatmap(null);
    try {
      const grid = { optimizer, params: { ...fixed }, axes };
      const result = await sweep(grid, `sweeping ${OPTIMIZER_SPECS[optimizer].label}`, true, byTolerance);
      if (result) onSweepDone?.(saveSweep(grid, result, byTolerance ? tolerance : undefined));
    } catch (e) {
      if (!(e instanceof EngineError && e.name === 'Cancelled')) reportError(`The sweep failed: ${(e as Error).message}`);
    } finally {
      setBusy(null);
    }
  };

  const runFairRace = async () => {
    setRace(null);
    const rate: SweepAxisSpec = { ...axis1, name: 'learningRate', log: true, ...(axis1.name === 'learningRate' ? {} : { lo: 1e-4, hi: 1 }) };
    const lanes: FairRace['lanes'] = [];
    let cellSteps = 0;
    let seconds = 0;
    try {
      for (const o of raceOptimizers) {
        const result = await sweep({ optimizer: o, params: {}, axes: [rate] }, `fair race: tuning ${OPTIMIZER_SPECS[o].label} (${lanes.length + 1} of ${raceOptimizers.length})`, true);
        if (!result) return;
        cellSteps += result.finalLoss.length * result.iterations;
        seconds += result.seconds;
        if (result.best !== undefined) lanes.push({ optimizer: o, params: result.cellParams[result.best]!, finalLoss: result.finalLoss[result.best]! });
      }
      const r: FairRace = { lanes, cellSteps, seconds, sweeps: raceOptimizers.length, cellsEach: rate.cells, iterations };
      setRace(r);
      onFairRace(r);
    } catch (e) {
      if (!(e instanceof EngineError && e.name === 'Cancelled')) reportError(`The fair race's tuning failed: ${(e as Error).message}`);
    } finally {
      setBusy(null);
    }
  };

  const clickCell = (index: number) => {
    // A cell that never reached the tolerance still races: the lane shows how far it got.
    const params = heatmap?.result?.cellParams[index];
    if (!params || busy) return;
    onCell(heatmap.result!.optimizer, params);
  };

  return (
    <details className="panel sweep-panel" data-testid="sweep-panel" ref={detailsRef}>
      <summary>
        <h2>Sweep hyper-parameters</h2>
      </summary>
      <p className="muted small-note">Every cell is a run of {iterations.toLocaleString('en-US')} iterations (the run&rsquo;s), all cells in one batched computation.</p>
      {children}
      <label className="field">
        <span className="field-label">optimizer</span>
        <select value={optimizer} data-testid="sweep-optimizer" onChange={(e) => chooseOptimizer(e.target.value as OptimizerName)}>
          {OPTIMIZER_NAMES.map((o) => (
            <option key={o} value={o}>
              {OPTIMIZER_SPECS[o].label}
            </option>
          ))}
        </select>
      </label>
      {fixedSpecs.map((p) => (
        <NumberField
          key={p.name}
          label={`${p.label} (every cell)`}
          value={fixed[p.name] ?? p.default}
          min={p.min}
          max={p.max}
          integer
          testId={`sweep-fixed-${p.name}`}
          title={sgdNote ?? undefined}
          onChange={(v) => setFixed((f) => ({ ...f, [p.name]: v }))}
        />
      ))}
      {optimizer === 'sgd' && sgdNote && (
        <p className="muted small-note" data-testid="sweep-sgd-note">
          {sgdNote}
        </p>
      )}
      <AxisFields axis={axis1} optimizer={optimizer} onChange={setAxis1} prefix="sweep-axis1" />
      {sweepableParams(optimizer).length > 1 && (
        <label className="check">
          <input type="checkbox" checked={useAxis2} data-testid="sweep-use-axis2" onChange={(e) => setUseAxis2(e.target.checked)} />
          second hyper-parameter
        </label>
      )}
      {useAxis2 && <AxisFields axis={axis2} optimizer={optimizer} onChange={setAxis2} prefix="sweep-axis2" />}
      <div className="field-row sweep-tolerance">
        <label className="check" title="Colour each cell by the first iteration its loss was at or under the tolerance (the loss read every iteration)">
          <input type="checkbox" checked={byTolerance} data-testid="sweep-by-tolerance" onChange={(e) => setByTolerance(e.target.checked)} />
          iterations to loss ≤
        </label>
        <NumberField label="tolerance" value={tolerance} min={0} testId="sweep-tolerance" onChange={setTolerance} />
      </div>
      {problem && (
        <p className="field-error" role="alert" data-testid="sweep-error">
          {problem}
        </p>
      )}
      <div className="sweep-buttons">
        <button type="button" className="small" disabled={busy !== null || problem !== undefined} data-testid="sweep-run" onClick={() => void runGrid()}>
          Sweep {axes.reduce((n, a) => n * a.cells, 1)} cells
        </button>
        {busy && (
          <button type="button" className="small" data-testid="sweep-cancel" onClick={() => cancelRef.current?.()}>
            Cancel
          </button>
        )}
      </div>
      {busy && (
        <div className="sweep-progress" data-testid="sweep-progress">
          <progress max={busy.of} value={busy.done} />
          <span className="small-note">
            {busy.label}: {busy.done.toLocaleString('en-US')} / {busy.of.toLocaleString('en-US')}
          </span>
        </div>
      )}
      {heatmap && <SweepHeatmap data={heatmap} onCell={heatmap.result && !race ? clickCell : undefined} />}
      {heatmap?.result && !race && !busy && (
        <p className="muted small-note" data-testid="sweep-rate">
          {heatmap.result.finalLoss.length} cells in {heatmap.result.seconds.toFixed(2)} s ({formatNumber(Math.round(heatmap.result.cellStepsPerSecond))} cell-steps/s). Click a cell to race it.
        </p>
      )}
      <h3 className="sweep-subhead">Fair race</h3>
      <p className="muted small-note">Sweeps each optimizer&rsquo;s learning rate ({rateLabel(axis1)}), then races each at its own best rate from the same start.</p>
      <div className="sweep-race-choices">
        {OPTIMIZER_NAMES.map((o) => (
          <label key={o} className="check">
            <input
              type="checkbox"
              checked={raceOptimizers.includes(o)}
              data-testid={`race-${o}`}
              onChange={(e) => setRaceOptimizers((list) => (e.target.checked ? OPTIMIZER_NAMES.filter((x) => x === o || list.includes(x)) : list.filter((x) => x !== o)))}
            />
            {o}
          </label>
        ))}
      </div>
      <button type="button" className="small" disabled={busy !== null || refused !== null || raceOptimizers.length === 0 || raceOptimizers.length > 8} data-testid="fair-race-run" onClick={() => void runFairRace()}>
        Fair race ({raceOptimizers.length} optimizers)
      </button>
      {race && (
        <div className="small-note" data-testid="fair-race-summary">
          <p className="muted">{fairRaceBudget(race)}</p>
          <ul className="sweep-race-list">
            {race.lanes.map((l) => (
              <li key={l.optimizer}>
                {OPTIMIZER_SPECS[l.optimizer].label}: best lr {formatNumber(l.params.learningRate!)}, swept loss {formatNumber(l.finalLoss)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}

function rateLabel(axis: SweepAxisSpec): string {
  const a = axis.name === 'learningRate' ? axis : { lo: 1e-4, hi: 1, cells: axis.cells };
  return `${a.cells} rates from ${formatNumber(a.lo)} to ${formatNumber(a.hi)}, log`;
}
