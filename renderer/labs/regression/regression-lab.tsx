import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { getDesktopApi } from '../../desktop-bridge';
import { DropOverlay } from '../../drop-overlay';
import { LaneList } from '../../run/lane-list';
import { RunControls } from '../../run/run-controls';
import { SeriesChart } from '../../run/series-chart';
import { RunTimeline } from '../../run/timeline';
import { historyCsv, historyJson } from '../../export/history-export';
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
import { RunStore } from './run-store';
import { SCATTER_HELP, ScatterView } from './scatter-view';
import { StartLinePanel } from './start-line-panel';
import { useDataset, type SavedDataset } from './use-dataset';
import { asRecord, useSessionPart } from '../../session/session-parts';
import type { SavedRun } from '../../run/run-store-base';
import { ValleyNote } from './valley-note';

interface RegressionLabProps {
  client: EngineClient;
  connection: ConnectionState;
  reportError: (message: string | null) => void;
  /** The lab is the one shown: it takes keys, drops and menu commands. */
  active: boolean;
}

const REGRESSION_SERIES = ['loss', 'slope', 'intercept'] as const;

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

  const viewsRef = useRef<HTMLDivElement>(null);
  const exactMse = (store.exact ?? dataExact)?.mse;
  const latest = useRef({ settings, dataset });
  latest.current = { settings, dataset };

  const prepare = (paused: boolean) => {
    const { settings: s, dataset: d } = latest.current;
    if (!d) return null;
    setRunSettings(s);
    return {
      config: buildRunConfig(s, d, paused),
      lanes: s.lanes.map((l) => ({ id: l.id, label: laneLabel(l), optimizer: l.optimizer, params: l.params, colour: l.colour })),
      // The config holds the data's numbers; the run card names where they came from.
      about: { data: d.name, x: d.xColumn, y: d.yColumn },
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

  /** A session's run, checked and built, shown once its data is in (the data change below would clear it). */
  const pendingRun = useRef<(() => void) | null>(null);
  useSessionPart(
    'regression',
    () => ({ settings, runSettings, data: data.save(), run: store.saveRun() }),
    (raw) => {
      const part = asRecord(raw, 'the regression part');
      const next = checkRegressionSettings(part.settings);
      const saved = asRecord(part.data, 'the regression data') as unknown as SavedDataset;
      if (saved.dataset !== null && !(saved.dataset?.x instanceof Float64Array && saved.dataset.y instanceof Float64Array)) throw new Error('its data is damaged');
      const showRun = store.prepareRun((part.run as SavedRun | null) ?? null);
      const ran = part.runSettings ? checkRegressionSettings(part.runSettings) : null;
      stopRun();
      setSettings(next);
      setRunSettings(ran);
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
        <StartLinePanel slope={settings.initSlope} intercept={settings.initIntercept} normalize={settings.normalize} onChange={setStart} />
        <LaneList lanes={settings.lanes} onChange={(lanes) => patch({ lanes })} makeLane={nextLane} />
        <SweepPanel
          client={client}
          iterations={settings.maxIterations}
          makeRequest={(grid) => {
            const { settings: s, dataset: d } = latest.current;
            return d ? { type: 'sweep', problem: { lab: 'regression', problem: buildRunConfig(s, d, false).problem, seed: s.seed }, grid, iterations: s.maxIterations } : null;
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
          canRun={!!dataset}
          actions={actions}
          onSettings={patch}
          pendingChanges={phase !== 'idle' && runSettings !== null && !sameRunSettings(runSettings, settings)}
          resetTitle="Back to the starting line"
        >
          <label className="check" title="Scale x and y to mean 0, spread 1 before descending">
            <input type="checkbox" checked={settings.normalize} data-testid="normalize" onChange={(e) => patch({ normalize: e.target.checked })} />
            normalise
          </label>
        </RunControls>
        <Legend store={store} settingsLanes={settings.lanes} />
        <div className="views" ref={viewsRef}>
          <figure className="view-card">
            <figcaption>
              Data and lines{' '}
              <span className="muted help" title={SCATTER_HELP}>
                · drag the grey line (?)
              </span>
            </figcaption>
            <ScatterView
              dataset={dataset}
              dataStats={dataStats}
              dataExact={dataExact}
              store={store}
              start={startLine}
              onStartChange={setStart}
            />
          </figure>
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
          <figure className="view-card">
            <figcaption>
              Loss per iteration
              <label className="check inline">
                <input type="checkbox" checked={logScale} data-testid="log-scale" onChange={(e) => setLogScale(e.target.checked)} />
                log scale
              </label>
            </figcaption>
            <SeriesChart store={store} series="loss" yLabel="loss (MSE)" log={logScale} capAtStart reference={exactMse === undefined ? null : { value: exactMse, label: 'exact minimum', below: true }} testId="loss-chart" />
          </figure>
          <div className="view-card readouts-card">
            <Readouts store={store} dataExact={dataExact} />
            {fairRace && (
              <p className="fair-race-budget small-note" data-testid="fair-race-budget" title="Each optimizer at the best learning rate its sweep found; what the sweeps cost">
                Fair race: each lane at its own best learning rate · {fairRaceBudget(fairRace)}
              </p>
            )}
            {dataStats && dataset && <ValleyNote stats={dataStats} xName={dataset.xColumn} normalized={settings.normalize} />}
          </div>
        </div>
        <RunTimeline
          store={store}
          history={{
            csv: () => historyCsv(store.lanes, REGRESSION_SERIES),
            json: () => historyJson(store.lanes, REGRESSION_SERIES, { lab: 'regression', data: dataset?.name, x: dataset?.xColumn, y: dataset?.yColumn, exact: store.exact, settings: runSettings }),
          }}
          viewRef={viewsRef}
          fileBase="regression"
          onError={reportError}
        />
      </section>
    </div>
  );
}
