import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { getDesktopApi } from '../../desktop-bridge';
import { DropOverlay } from '../../drop-overlay';
import { ContourView } from './contour-view';
import { DatasetPanel } from './dataset-panel';
import { fallbackStartLine } from './fallback-start-line';
import { LaneList } from './lane-list';
import { leastSquares, regressionStats } from './least-squares';
import { Legend } from './legend';
import { LossChart } from './loss-chart';
import { Readouts } from './readouts';
import { buildRunConfig, defaultSettings, laneLabel, sameRunSettings, type RegressionSettings } from './regression-settings';
import { RunControls, type RunActions } from './run-controls';
import { RunStore, type RunPhase } from './run-store';
import { SCATTER_HELP, ScatterView } from './scatter-view';
import { StartLinePanel } from './start-line-panel';
import { useDataset } from './use-dataset';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';
import { ValleyNote } from './valley-note';

interface RegressionLabProps {
  client: EngineClient;
  connection: ConnectionState;
  reportError: (message: string | null) => void;
}

let runCounter = 0;

export function RegressionLab({ client, connection, reportError }: RegressionLabProps) {
  const [settings, setSettings] = useState<RegressionSettings>(defaultSettings);
  /** The settings the current run was started with, to tell the user when the sidebar differs. */
  const [runSettings, setRunSettings] = useState<RegressionSettings | null>(null);
  const [logScale, setLogScale] = useState(true);
  const store = useMemo(() => new RunStore(), []);
  const [phase, setPhase] = useState<RunPhase>(store.phase);
  const data = useDataset(client, connection, reportError);
  const { dataset } = data;

  const dataStats = useMemo(() => (dataset ? regressionStats(dataset.x, dataset.y) : null), [dataset]);
  const dataExact = useMemo(() => (dataStats ? leastSquares(dataStats) : null), [dataStats]);

  useEffect(() => store.onPhase(setPhase), [store]);

  // Engine messages for the run; requests and replies are matched in requestDataset.
  useEffect(
    () =>
      client.onMessage((m) => {
        if (m.type === 'runStarted') store.runStarted(m);
        else if (m.type === 'frame') store.frame(m);
        else if (m.type === 'error' && m.requestId === undefined) {
          if (m.runId === undefined || m.runId === store.runId) {
            store.fail(m.runId);
            reportError(`Engine: ${m.error.message}`);
          }
        }
      }),
    [client, store, reportError],
  );

  // A dropped socket ends the run as far as we can tell; the server starts a fresh engine.
  useEffect(() => {
    if (connection === 'closed') store.fail(undefined);
  }, [connection, store]);

  // New data makes the old run's lines meaningless: end it and show the new data's start.
  useEffect(() => {
    if (store.runId && store.isActive()) client.send({ type: 'control', runId: store.runId, action: 'stop' });
    store.clear();
    if (!dataset) return;
    setSettings((s) => {
      const fallback = fallbackStartLine(dataset.x, dataset.y, s.initSlope, s.initIntercept);
      return fallback ? { ...s, initSlope: fallback.slope, initIntercept: fallback.intercept } : s;
    });
  }, [dataset, client, store]);

  const latest = useRef({ settings, dataset });
  latest.current = { settings, dataset };

  const startRun = useCallback(
    (paused: boolean): string | null => {
      const { settings: s, dataset: d } = latest.current;
      if (!d) return null;
      const runId = `run-${++runCounter}-${Date.now().toString(36)}`;
      // A fresh run replaces the old one. Stop the old one ourselves rather than leave it to the
      // engine: if it refuses the new start, the old run would stream on with no way to stop it
      // (the store has moved on to the new runId).
      if (store.runId && store.isActive()) client.send({ type: 'control', runId: store.runId, action: 'stop' });
      store.begin(
        runId,
        s.lanes.map((l) => ({ id: l.id, label: laneLabel(l), optimizer: l.optimizer, params: l.params, colour: l.colour })),
      );
      reportError(null);
      setRunSettings(s);
      client.send({ type: 'start', runId, config: buildRunConfig(s, d, paused) });
      return runId;
    },
    [client, store, reportError],
  );

  const control = useCallback(
    (action: 'pause' | 'resume' | 'step' | 'stop' | 'reset') => {
      if (store.runId) client.send({ type: 'control', runId: store.runId, action });
    },
    [client, store],
  );

  const actions: RunActions = useMemo(
    () => ({
      run: () => {
        if (store.phase !== 'running' && store.phase !== 'starting') startRun(false);
      },
      pauseOrResume: () => {
        if (store.phase === 'running') control('pause');
        else if (store.phase === 'paused') control('resume');
      },
      step: () => {
        if (store.phase === 'paused') control('step');
        else if (store.phase === 'running' || store.phase === 'starting') control('pause');
        else if (startRun(true)) control('step');
      },
      stop: () => control('stop'),
      reset: () => {
        // The engine keeps its last run until the next start, so even a finished run can go
        // back to iteration 0 (it answers with runStarted and a paused frame from 0, which
        // rewinds the store). With no run there is nothing to rewind but the views.
        if (store.runId && store.phase !== 'idle') control('reset');
        else store.clear();
      },
    }),
    [control, startRun, store],
  );

  useKeyboardShortcuts(actions, () => store.phase === 'running' || store.phase === 'paused' || store.phase === 'starting');

  // Electron's File > Open and Run menu.
  useEffect(() => {
    const api = getDesktopApi();
    if (!api) return;
    const offFile = api.onFileOpened((f) => data.loadText(f.name, f.text));
    const offMenu = api.onMenu((command) => {
      if (command === 'run') actions.run();
      else if (command === 'pause') actions.pauseOrResume();
      else if (command === 'step') actions.step();
      else if (command === 'stop') actions.stop();
      else if (command === 'reset') actions.reset();
    });
    return () => {
      offFile();
      offMenu();
    };
  }, [actions, data.loadText]);

  const patch = useCallback((p: Partial<RegressionSettings>) => {
    setSettings((s) => ({ ...s, ...p }));
    if (p.itersPerSecond !== undefined && store.runId && store.isActive()) {
      client.send({ type: 'setSpeed', runId: store.runId, itersPerSecond: p.itersPerSecond });
    }
  }, [client, store]);

  const setStart = useCallback((initSlope: number, initIntercept: number) => patch({ initSlope, initIntercept }), [patch]);
  // The engine takes and reports lines in data units even when it normalises internally.
  const startLine = { slope: settings.initSlope, intercept: settings.initIntercept };

  return (
    <div className="lab">
      <DropOverlay onFile={data.loadFile} hint="Drop a CSV to plot and fit it" />
      <aside className="sidebar">
        <DatasetPanel data={data} />
        <StartLinePanel slope={settings.initSlope} intercept={settings.initIntercept} normalize={settings.normalize} onChange={setStart} />
        <LaneList lanes={settings.lanes} onChange={(lanes) => patch({ lanes })} />
      </aside>
      <section className="workspace">
        <RunControls
          phase={phase}
          settings={settings}
          canRun={!!dataset}
          actions={actions}
          onSettings={patch}
          pendingChanges={phase !== 'idle' && runSettings !== null && !sameRunSettings(runSettings, settings)}
        />
        <Legend store={store} settingsLanes={settings.lanes} />
        <div className="views">
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
            <figcaption>Loss surface: MSE over (slope, intercept)</figcaption>
            <ContourView
              store={store}
              previewStats={dataStats}
              previewExact={dataExact}
              start={startLine}
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
            <LossChart store={store} exactMse={(store.exact ?? dataExact)?.mse ?? null} log={logScale} />
          </figure>
          <div className="view-card readouts-card">
            <Readouts store={store} dataExact={dataExact} />
            {dataStats && dataset && <ValleyNote stats={dataStats} xName={dataset.xColumn} normalized={settings.normalize} />}
          </div>
        </div>
      </section>
    </div>
  );
}
