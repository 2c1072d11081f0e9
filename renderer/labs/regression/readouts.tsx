import type { LaneStatus, LeastSquares } from '../../../main/protocol/messages';
import { EXACT_NOTE_TEXT, type ModelIntro } from '../../../main/protocol/regression-model';
import { formatNumber } from '../../format-number';
import { laneStatusText, shownPhase, type ShownPhase } from '../../run/run-store-base';
import { LanesHeading } from '../../run/lanes-heading';
import { useStoreSnapshot } from '../../run/use-store-snapshot';
import { parameterKey, type RunStore } from './run-store';

interface LaneReadout {
  id: string;
  label: string;
  colour: string;
  iteration: number;
  loss: number;
  startLoss: number;
  slope: number;
  intercept: number;
  /** A model run's parameters at the iteration shown, in the model's order. */
  params: number[];
  status: LaneStatus;
}

interface Snapshot {
  version: number;
  phase: ShownPhase;
  iteration: number;
  itersPerSecond: number;
  exact: LeastSquares | null;
  /** The run's model (null: the line). */
  model: ModelIntro | null;
  lanes: LaneReadout[];
}

/** A lane's numbers; a diverged lane's inf and NaN all read as one placeholder. */
function laneNumber(v: number): string {
  return Number.isFinite(v) ? formatNumber(v) : '—';
}


function snapshot(store: RunStore): Snapshot {
  // The timeline's iteration while scrubbing, else the latest.
  const shown = store.shownIteration;
  return {
    version: store.version,
    phase: shownPhase(store),
    iteration: shown,
    itersPerSecond: store.cursor === null ? store.itersPerSecond : 0,
    exact: store.exact,
    model: store.model,
    lanes: store.lanes.map((l) => ({
      id: l.id,
      label: l.label,
      colour: l.colour,
      iteration: Math.min(shown, l.history.lastIteration),
      loss: l.history.at('loss', shown),
      startLoss: l.history.firstLoss,
      slope: l.history.at('slope', shown),
      intercept: l.history.at('intercept', shown),
      params: store.model && l.model ? store.model.parameters.map((p) => l.model!.at(parameterKey(p), shown)) : [],
      status: l.status,
    })),
  };
}

interface ReadoutsProps {
  store: RunStore;
  /** From the dataset, for before the first run (runStarted's exact answer wins after). */
  dataExact: LeastSquares | null;
  /** The settings' model when it is not the line, as the engine described it (the run's wins once one is shown). */
  previewModel: ModelIntro | null;
  /** The settings' model is the line: before a run, the line's figures are the ones to show. */
  lineSettings: boolean;
}

export function Readouts({ store, dataExact, previewModel, lineSettings }: ReadoutsProps) {
  const snap = useStoreSnapshot(store, snapshot);
  const shownRun = snap.lanes.length > 0;
  // A model shown: the run's, or before any run the settings' own.
  const model = shownRun ? snap.model : lineSettings ? null : previewModel;
  const exact = model ? (model.exact ? { slope: NaN, intercept: NaN, mse: model.exact.mse } : null) : (snap.exact ?? dataExact);
  const twoColumns = model?.parameters.length === 2;
  return (
    <div className="readouts">
      <h3>Exact least squares</h3>
      {model ? (
        <dl className="exact" data-testid="model-exact">
          {model.exact ? (
            <>
              {model.parameters.map((p, k) => (
                <Exact key={p} name={p} value={model.exact!.values[k]!} testId={`exact-param-${p}`} />
              ))}
              <Exact name="min MSE" value={model.exact.mse} testId="exact-mse" />
            </>
          ) : (
            <dd className="muted exact-none" data-testid="exact-note">
              {EXACT_NOTE_TEXT[model.exactNote ?? 'nonlinear']}
            </dd>
          )}
        </dl>
      ) : (
      <dl className="exact">
        <dt>slope</dt>
        <dd data-testid="exact-slope" data-value={exact?.slope}>{formatNumber(exact?.slope)}</dd>
        <dt>intercept</dt>
        <dd data-testid="exact-intercept" data-value={exact?.intercept}>{formatNumber(exact?.intercept)}</dd>
        <dt>min MSE</dt>
        <dd data-testid="exact-mse" data-value={exact?.mse}>{formatNumber(exact?.mse)}</dd>
      </dl>
      )}
      <LanesHeading iteration={snap.iteration} hasLanes={snap.lanes.length > 0} phase={snap.phase} itersPerSecond={snap.itersPerSecond} />
      {snap.lanes.length === 0 ? (
        <p className="muted">Press Run (or Space) to start.</p>
      ) : (
        <table className="lane-table">
          <thead>
            <tr>
              <th />
              <th title="iterations done by this lane">iter</th>
              <th>loss</th>
              <th title="loss minus the exact minimum">gap</th>
              {model ? (
                twoColumns && model.parameters.map((p) => <th key={p}>{p}</th>)
              ) : (
                <>
                  <th>slope</th>
                  <th>intercept</th>
                </>
              )}
              <th>status</th>
            </tr>
          </thead>
          <tbody>
            {snap.lanes.map((l, i) => (
              <tr key={l.id} title={`${l.label}: iteration ${l.iteration}`}>
                <td>
                  <span className="swatch" style={{ background: l.colour }} />
                </td>
                <td data-testid={`lane-iteration-${i}`}>{Math.max(0, l.iteration)}</td>
                <td data-testid={`lane-loss-${i}`} data-value={l.loss} data-start={l.startLoss}>{laneNumber(l.loss)}</td>
                <td data-testid={`lane-gap-${i}`}>{exact ? laneNumber(l.loss - exact.mse) : '—'}</td>
                {model ? (
                  twoColumns &&
                  l.params.map((v, k) => (
                    <td key={k} data-testid={`lane-param-${model.parameters[k]}-${i}`} data-value={v}>
                      {laneNumber(v)}
                    </td>
                  ))
                ) : (
                  <>
                    <td data-testid={`lane-slope-${i}`} data-value={l.slope}>{laneNumber(l.slope)}</td>
                    <td data-testid={`lane-intercept-${i}`} data-value={l.intercept}>{laneNumber(l.intercept)}</td>
                  </>
                )}
                <td data-testid={`lane-status-${i}`} className={`status-${l.status}`}>
                  {laneStatusText(l.status, snap.phase)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Exact({ name, value, testId }: { name: string; value: number; testId: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd data-testid={testId} data-value={value} title={String(value)}>
        {formatNumber(value)}
      </dd>
    </>
  );
}
