import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { getDesktopApi } from '../../desktop-bridge';
import { DropOverlay } from '../../drop-overlay';
import { LaneList } from '../../run/lane-list';
import { RunControls } from '../../run/run-controls';
import { SeriesChart } from '../../run/series-chart';
import { RunTimeline } from '../../run/timeline';
import { historyCsv, historyJson } from '../../export/history-export';
import { requestLrFind } from '../../engine-requests';
import { useLabRun } from '../../run/use-lab-run';
import { CONTOUR_HELP, ContourView } from './contour-view';
import { DatasetPanel } from './dataset-panel';
import { fallbackStartLine } from './fallback-start-line';
import { leastSquares, regressionStats } from './least-squares';
import { Legend } from './legend';
import { Readouts } from './readouts';
import { buildRunConfig, checkRegressionSettings, defaultSettings, laneLabel, nextLane, sameRunSettings, type LaneSettings, type RegressionSettings } from './regression-settings';
import { fairRaceBudget, SweepPanel } from '../../tune/sweep-panel';
import { useSweepLanes } from '../../tune/use-sweep-lanes';
import { useSavedSweep } from '../../tune/saved-sweep';
import { RunStore } from './run-store';
import { SCATTER_HELP, ScatterView } from './scatter-view';
import { StartLinePanel } from './start-line-panel';
import { useDataset, type SavedDataset } from './use-dataset';
import { asRecord, useSessionPart } from '../../session/session-parts';
import type { SavedRun } from '../../run/run-store-base';
import { ValleyNote } from './valley-note';
import { isLineModel, LINE_MODEL, modelGridResolution, type ModelGrid } from '../../../main/protocol/regression-model';
import { requestRegressionModel } from '../../engine-requests';
import type { ParamWindow } from './contour-window';
import { ModelContourView } from './model-contour-view';
import { ModelPanel, ParameterStartPanel } from './model-panel';
import { ParameterTable } from './parameter-table';
import { modelKeys } from './run-store';
import { useRegressionModel } from './use-regression-model';

interface RegressionLabProps {
  client: EngineClient;
  connection: ConnectionState;
  reportError: (message: string | null) => void;
  /** The lab is the one shown: it takes keys, drops and menu commands. */
  active: boolean;
}

const REGRESSION_SERIES = ['loss', 'slope', 'intercept', 'learningRate'] as const;

export function RegressionLab({ client, connection, reportError, active }: RegressionLabProps) {
  const [settings, setSettings] = useState<RegressionSettings>(defaultSettings);
  /** The settings the current run was started with, to tell the user when the sidebar differs. */
  const [runSettings, setRunSettings] = useState<RegressionSettings | null>(null);
  const [logScale, setLogScale] = useState(true);
  const store = useMemo(() => new RunStore(), []);
  const data = useDataset(client, connection, reportError);
  const { dataset } = data;

  const dataStats = useMemo(() => (dataset ? regressionStats(dataset.x, dataset.y) : null), [dataset]);
  const dataExact = useMemo(() => (dataStats ? leastSquares(dataStats) : null), [dataStats]);

  // The model: the line keeps its own path; any other is checked by the engine as it is typed.
  const lineSettings = isLineModel(settings.model);
  const check = useRegressionModel(client, connection, lineSettings ? null : settings.model, dataset, settings.init);
  const modelRefused = !lineSettings && check.error !== null;
  const preview = lineSettings ? null : check.info;

  const viewsRef = useRef<HTMLDivElement>(null);
  const latest = useRef({ settings, dataset });
  latest.current = { settings, dataset };

  const prepare = (paused: boolean) => {
    const { settings: s, dataset: d } = latest.current;
    if (!d) return null;
    setRunSettings(s);
    return {
      config: buildRunConfig(s, d, paused),
      lanes: s.lanes.map((l) => ({ id: l.id, label: laneLabel(l), optimizer: l.optimizer, params: l.params, colour: l.colour })),
      // The config holds the data's numbers; the run card names where they came from (and the
      // model, which the config holds unless it is the line).
      about: { data: d.name, x: d.xColumn, y: d.yColumn, ...(isLineModel(s.model) ? { model: LINE_MODEL } : {}) },
    };
  };
  const { phase, actions, setSpeed, stopRun, start } = useLabRun({
    lab: 'regression',
    client,
    connection,
    store,
    active,
    reportError,
    onOpen: () => getDesktopApi()?.openFileDialog('table'),
    prepare,
  });

  // The model the views show: a shown run's, else the settings' (null: the line).
  const runShown = phase !== 'idle' && phase !== 'starting' && store.lanes.length > 0;
  const shownModel = runShown ? store.model : preview;
  const exactMse = shownModel ? shownModel.exact?.mse : (store.exact ?? dataExact)?.mse;

  /** A session's run, checked and built, shown once its data is in (the data change below would clear it). */
  const pendingRun = useRef<(() => void) | null>(null);
  const sweepSession = useSavedSweep();
  useSessionPart(
    'regression',
    () => ({ settings, runSettings, data: data.save(), run: store.saveRun(), sweep: sweepSession.saved }),
    (raw) => {
      const part = asRecord(raw, 'the regression part');
      const next = checkRegressionSettings(part.settings);
      const saved = asRecord(part.data, 'the regression data') as unknown as SavedDataset;
      if (saved.dataset !== null && !(saved.dataset?.x instanceof Float64Array && saved.dataset.y instanceof Float64Array)) throw new Error('its data is damaged');
      const showRun = store.prepareRun((part.run as SavedRun | null) ?? null);
      const ran = part.runSettings ? checkRegressionSettings(part.runSettings) : null;
      const showSweep = sweepSession.check(part.sweep);
      stopRun();
      setSettings(next);
      setRunSettings(ran);
      showSweep();
      pendingRun.current = showRun;
      data.restore(saved);
    },
  );

  // New data makes the old run's lines meaningless: end it and show the new data's start.
  useEffect(() => {
    if (pendingRun.current) {
      pendingRun.current();
      pendingRun.current = null;
      return;
    }
    stopRun();
    store.clear();
    if (!dataset) return;
    setSettings((s) => {
      const fallback = fallbackStartLine(dataset.x, dataset.y, s.initSlope, s.initIntercept);
      return fallback ? { ...s, initSlope: fallback.slope, initIntercept: fallback.intercept } : s;
    });
  }, [dataset, store, stopRun]);

  // Electron's File > Open, while this lab is shown.
  useEffect(() => {
    const api = getDesktopApi();
    if (!api || !active) return;
    return api.onFileOpened((f) => {
      if (f.kind === 'table' && f.text !== undefined) data.loadText(f.name, f.text);
    });
  }, [active, data.loadText]);

  const patch = useCallback(
    (p: Partial<RegressionSettings>) => {
      setSettings((s) => ({ ...s, ...p }));
      if (p.itersPerSecond !== undefined) setSpeed(p.itersPerSecond);
    },
    [setSpeed],
  );

  const requestGrid = useCallback(
    (model: string, w: ParamWindow): Promise<ModelGrid> => {
      const d = latest.current.dataset;
      if (!d) return Promise.reject(new Error('no data'));
      const window = { xMin: w.aMin, xMax: w.aMax, yMin: w.bMin, yMax: w.bMax };
      return requestRegressionModel(client, { type: 'regressionModel', model, x: d.x, y: d.y, grid: { window, resolution: modelGridResolution(d.x.length) } }).then((r) => {
        if (!r.grid) throw new Error('the model has no loss map');
        return r.grid;
      });
    },
    [client],
  );

  const modelLanes = () => store.lanes.flatMap((l) => (l.model ? [{ id: l.id, label: l.label, history: l.model }] : []));

  const setStart = useCallback((initSlope: number, initIntercept: number) => patch({ initSlope, initIntercept }), [patch]);

  // A sweep's cell or a fair race becomes lanes, and a fresh run starts once the settings hold them.
  const prepareRef = useRef(prepare);
  prepareRef.current = prepare;
  const restart = useCallback(() => {
    const prepared = prepareRef.current(false);
    if (prepared) start(prepared);
  }, [start]);
  const setLanes = useCallback((update: (lanes: readonly LaneSettings[]) => LaneSettings[]) => setSettings((s) => ({ ...s, lanes: update(s.lanes) })), []);
  const { fairRace, clearFairRace, raceCell, raceFairly } = useSweepLanes(settings.lanes, setLanes, restart);
  useEffect(() => clearFairRace(), [dataset, clearFairRace]);
  // The engine takes and reports lines in data units even when it normalises internally.
  const startLine = { slope: settings.initSlope, intercept: settings.initIntercept };

  return (
    <div className="lab">
      <DropOverlay onFile={data.loadFile} hint="Drop a CSV to plot and fit it" enabled={active} />
      <aside className="sidebar">
        <DatasetPanel data={data} />
        <ModelPanel model={settings.model} xName={dataset?.xColumn} onModel={(model) => patch({ model })} error={lineSettings ? null : check.error} />
        {lineSettings ? (
          <StartLinePanel slope={settings.initSlope} intercept={settings.initIntercept} normalize={settings.normalize} onChange={setStart} />
        ) : (
          preview && <ParameterStartPanel parameters={preview.parameters} init={settings.init} onChange={(init) => patch({ init })} />
        )}
        <LaneList
          lanes={settings.lanes}
          onChange={(lanes) => patch({ lanes })}
          makeLane={nextLane}
          findRate={dataset ? (lane) => requestLrFind(client, { type: 'lrFind', config: buildRunConfig(settings, dataset, true), laneId: lane.id }) : null}
        />
        <SweepPanel
          sgdNote="Every cell draws the same seeded mini-batches of this many rows (the run's seed) that a lane made from the cell draws."
          {...sweepSession.panel}
          client={client}
          iterations={settings.maxIterations}
          makeRequest={(grid) => {
            const { settings: s, dataset: d } = latest.current;
            if (!d) return null;
            if (!isLineModel(s.model)) {
              reportError('Sweeps fit the line (a*x + b) for now: set the model back to the line to sweep.');
              return null;
            }
            return { type: 'sweep', problem: { lab: 'regression', problem: buildRunConfig(s, d, false).problem, seed: s.seed }, grid, iterations: s.maxIterations };
          }}
          onCell={raceCell}
          onFairRace={raceFairly}
          reportError={reportError}
        />
      </aside>
      <section className="workspace">
        <RunControls
          phase={phase}
          settings={settings}
          canRun={!!dataset && !modelRefused && (lineSettings || preview !== null)}
          actions={actions}
          onSettings={patch}
          pendingChanges={phase !== 'idle' && runSettings !== null && !sameRunSettings(runSettings, settings)}
          resetTitle="Back to the starting line"
        >
          <label className="check" title={lineSettings ? 'Scale x and y to mean 0, spread 1 before descending' : 'The line only: a model of your own descends on the data as it is'}>
            <input type="checkbox" checked={settings.normalize} disabled={!lineSettings} data-testid="normalize" onChange={(e) => patch({ normalize: e.target.checked })} />
            normalise
          </label>
        </RunControls>
        <Legend store={store} settingsLanes={settings.lanes} model={preview ? { exact: preview.exact !== null } : null} />
        <div className="views" ref={viewsRef}>
          <figure className="view-card">
            <figcaption>
              {preview ? (
                <>Data and fitted curves</>
              ) : (
                <>
                  Data and lines{' '}
                  <span className="muted help" title={SCATTER_HELP}>
                    · drag the grey line (?)
                  </span>
                </>
              )}
            </figcaption>
            <ScatterView
              dataset={dataset}
              dataStats={dataStats}
              dataExact={dataExact}
              store={store}
              start={startLine}
              onStartChange={setStart}
              curves={preview ? { xs: preview.xs, exact: preview.exactCurve, start: preview.startCurve } : null}
            />
          </figure>
          {shownModel?.parameters.length === 2 ? (
            <figure className="view-card">
              <figcaption>
                Loss surface: MSE over ({shownModel.parameters.join(', ')}) · y ≈ {shownModel.model}
              </figcaption>
              <ModelContourView store={store} preview={preview} requestGrid={requestGrid} onStartChange={(first, second) => patch({ init: { ...settings.init, [shownModel.parameters[0]!]: first, [shownModel.parameters[1]!]: second } })} />
            </figure>
          ) : shownModel ? (
            <figure className="view-card">
              <figcaption>
                Parameters · y ≈ {shownModel.model}
              </figcaption>
              <ParameterTable store={store} preview={preview} />
            </figure>
          ) : (
          <figure className="view-card">
            <figcaption>
              Loss surface: MSE over (slope, intercept){settings.normalize ? ' of the standardised data' : ''}{' '}
              <span className="muted help" title={CONTOUR_HELP}>
                · click to move the start (?)
              </span>
            </figcaption>
            <ContourView
              store={store}
              previewStats={dataStats}
              previewExact={dataExact}
              start={startLine}
              normalize={settings.normalize}
              onStartChange={setStart}
            />
          </figure>
          )}
          <figure className="view-card">
            <figcaption>
              Loss per iteration
              <label className="check inline">
                <input type="checkbox" checked={logScale} data-testid="log-scale" onChange={(e) => setLogScale(e.target.checked)} />
                log scale
              </label>
            </figcaption>
            <SeriesChart store={store} series="loss" yLabel="loss (MSE)" log={logScale} capAtStart reference={exactMse === undefined ? null : { value: exactMse, label: 'exact minimum', below: true }} xTitle={false} testId="loss-chart" />
            <SeriesChart store={store} series="learningRate" yLabel="rate" log compact testId="rate-strip" />
          </figure>
          <div className="view-card readouts-card">
            <Readouts store={store} dataExact={dataExact} previewModel={preview} lineSettings={lineSettings} />
            {fairRace && (
              <p className="fair-race-budget small-note" data-testid="fair-race-budget" title="Each optimizer at the best learning rate its sweep found; what the sweeps cost">
                Fair race: each lane at its own best learning rate · {fairRaceBudget(fairRace)}
              </p>
            )}
            {dataStats && dataset && !shownModel && <ValleyNote stats={dataStats} xName={dataset.xColumn} normalized={settings.normalize} />}
          </div>
        </div>
        <RunTimeline
          store={store}
          history={{
            // A model run's files hold its loss and parameters by name; the line's its loss, slope and intercept.
            csv: () => (store.model ? historyCsv(modelLanes(), modelKeys(store.model.parameters)) : historyCsv(store.lanes, REGRESSION_SERIES)),
            json: () =>
              store.model
                ? historyJson(modelLanes(), modelKeys(store.model.parameters), { lab: 'regression', data: dataset?.name, x: dataset?.xColumn, y: dataset?.yColumn, model: store.model.model, exact: store.model.exact, exactNote: store.model.exactNote, settings: runSettings })
                : historyJson(store.lanes, REGRESSION_SERIES, { lab: 'regression', data: dataset?.name, x: dataset?.xColumn, y: dataset?.yColumn, exact: store.exact, settings: runSettings }),
          }}
          viewRef={viewsRef}
          fileBase="regression"
          onError={reportError}
        />
      </section>
    </div>
  );
}
