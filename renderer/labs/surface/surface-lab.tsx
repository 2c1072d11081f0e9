/**
 * The Surface lab: optimizers racing over f(x, y) — a classic test function or the user's own
 * formula, differentiated by TensorFlow.js in the engine — on a contour map and a 3-D surface,
 * with each lane's f, gradient check and distance to the known minimum.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SESSION_EXTENSION } from '../../../main/protocol/session';
import { FORMULA_DEFAULTS, SURFACE_PRESETS, surfaceFormula, type SurfacePoint, type SurfacePresetName } from '../../../main/protocol/surface';
import { DropOverlay } from '../../drop-overlay';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { historyCsv, historyJson } from '../../export/history-export';
import { requestLrFind, requestSurfaceProbe } from '../../engine-requests';
import { LaneList } from '../../run/lane-list';
import { optimizerLaneLabel, type OptimizerLane } from '../../run/optimizer-lane';
import { RunControls } from '../../run/run-controls';
import type { SavedRun } from '../../run/run-store-base';
import { SeriesChart } from '../../run/series-chart';
import { RunTimeline } from '../../run/timeline';
import { useLabRun } from '../../run/use-lab-run';
import { asRecord, useSessionPart } from '../../session/session-parts';
import { fairRaceBudget, SweepPanel } from '../../tune/sweep-panel';
import { useSweepLanes } from '../../tune/use-sweep-lanes';
import { useSavedSweep } from '../../tune/saved-sweep';
import { CONTOUR_HELP, ContourMap } from './contour-map';
import { FunctionPanel } from './function-panel';
import {
  buildSurfaceRunConfig,
  checkSurfaceSettings,
  defaultSurfaceSettings,
  nextSurfaceLane,
  sameSurfaceRun,
  suggestedLanes,
  surfaceFunction,
  withPreset,
  type SurfaceSettings,
} from './surface-settings';
import { SurfaceReadouts } from './surface-readouts';
import { SURFACE_SERIES, SurfaceStore } from './surface-store';
import { SurfaceView } from './surface-view';
import { useSurfaceGrid } from './use-surface-grid';

interface SurfaceLabProps {
  client: EngineClient;
  connection: ConnectionState;
  reportError: (message: string | null) => void;
  active: boolean;
}

export function SurfaceLab({ client, connection, reportError, active }: SurfaceLabProps) {
  const [settings, setSettings] = useState<SurfaceSettings>(defaultSurfaceSettings);
  const [runSettings, setRunSettings] = useState<SurfaceSettings | null>(null);
  const [showField, setShowField] = useState(false);
  const [showInternals, setShowInternals] = useState(true);
  const [logScale, setLogScale] = useState(true);
  const store = useMemo(() => new SurfaceStore(), []);
  const fn = useMemo(() => surfaceFunction(settings), [settings.source, settings.kappa, settings.formula]);
  const grid = useSurfaceGrid(client, connection, fn, settings.window);
  const viewsRef = useRef<HTMLDivElement>(null);
  const latest = useRef(settings);
  latest.current = settings;
  // The typed formula is the one the engine refused: nothing to run until it is fixed.
  const formulaRefused = settings.source === 'formula' && grid.error !== null;

  const prepare = (paused: boolean) => {
    const s = latest.current;
    setRunSettings(s);
    return {
      config: buildSurfaceRunConfig(s, paused),
      lanes: s.lanes.map((l) => ({ id: l.id, label: optimizerLaneLabel(l), optimizer: l.optimizer, params: l.params, colour: l.colour })),
    };
  };
  const { phase, actions, setSpeed, stopRun, start } = useLabRun({ lab: 'surface', client, connection, store, active, reportError, prepare });

  // A new function makes the shown paths meaningless: end the run (a session's run is shown instead).
  const fnKey = surfaceFormula(fn);
  const shownFn = useRef(fnKey);
  const pendingRun = useRef<(() => void) | null>(null);
  useEffect(() => {
    if (shownFn.current === fnKey) return;
    shownFn.current = fnKey;
    if (pendingRun.current) {
      pendingRun.current();
      pendingRun.current = null;
      return;
    }
    stopRun();
    store.clear();
  }, [fnKey, store, stopRun]);

  const sweepSession = useSavedSweep();
  useSessionPart(
    'surface',
    () => ({ settings, runSettings, run: store.saveRun(), sweep: sweepSession.saved }),
    (raw) => {
      const part = asRecord(raw, 'the surface part');
      const next = checkSurfaceSettings(part.settings);
      const ran = part.runSettings ? checkSurfaceSettings(part.runSettings) : null;
      const showSweep = sweepSession.check(part.sweep);
      const showRun = store.prepareRun((part.run as SavedRun | null) ?? null);
      stopRun();
      setSettings(next);
      setRunSettings(ran);
      showSweep();
      if (surfaceFormula(surfaceFunction(next)) === shownFn.current) showRun();
      else pendingRun.current = showRun;
    },
  );

  const patch = useCallback(
    (p: Partial<SurfaceSettings>) => {
      setSettings((s) => ({ ...s, ...p }));
      if (p.itersPerSecond !== undefined) setSpeed(p.itersPerSecond);
    },
    [setSpeed],
  );

  const choose = useCallback((source: SurfacePresetName | 'formula') => {
    setSettings((s) => {
      if (source !== 'formula') return withPreset(s, source);
      return { ...s, source, window: { ...FORMULA_DEFAULTS.window }, start: { ...FORMULA_DEFAULTS.start } };
    });
  }, []);

  const suggested = useCallback(() => {
    setSettings((s) => (s.source === 'formula' ? s : { ...withPreset(s, s.source), kappa: s.kappa, lanes: suggestedLanes(s.source) }));
  }, []);

  const setStart = useCallback((start: SurfacePoint) => patch({ start }), [patch]);
  const probe = useCallback(
    (point: SurfacePoint) => requestSurfaceProbe(client, { type: 'surfaceProbe', fn: surfaceFunction(latest.current), point }),
    [client],
  );

  // A sweep's cell or a fair race becomes lanes, and the run starts once the settings hold them.
  const setLanes = useCallback((update: (lanes: readonly OptimizerLane[]) => OptimizerLane[]) => setSettings((s) => ({ ...s, lanes: update(s.lanes) })), []);
  // (A fresh run even when one is going: the new lanes race from the start.)
  const prepareRef = useRef(prepare);
  prepareRef.current = prepare;
  const restart = useCallback(() => void start(prepareRef.current(false)), [start]);
  const { fairRace, clearFairRace, raceCell, raceFairly } = useSweepLanes(settings.lanes, setLanes, restart);
  useEffect(() => clearFairRace(), [fnKey, clearFairRace]);

  const knownMinimum = settings.source !== 'formula' && SURFACE_PRESETS[settings.source].minima.length > 0;
  const chartSeries = knownMinimum ? 'gap' : 'f';
  // f − f* is ≥ 0 and spans decades: log. A bare f may be negative (a saddle): linear.
  useEffect(() => setLogScale(knownMinimum), [knownMinimum]);

  return (
    <div className="lab">
      {/* A session dropped here opens (drop-overlay.ts); the lab itself takes no files. */}
      <DropOverlay
        onFiles={(files) => reportError(`The Surface lab opens no files (${files[0]!.name}): type a formula or pick a function; a session (.${SESSION_EXTENSION}) opens from any lab.`)}
        hint="Drop a session to open it"
        enabled={active}
      />
      <aside className="sidebar">
        <FunctionPanel settings={settings} onChange={patch} onPreset={choose} formulaError={settings.source === 'formula' ? grid.error : null} onSuggested={suggested} />
        <LaneList
          lanes={settings.lanes}
          onChange={(lanes) => patch({ lanes })}
          makeLane={nextSurfaceLane}
          title="Every lane starts from the same point"
          findRate={(lane) => requestLrFind(client, { type: 'lrFind', config: buildSurfaceRunConfig(settings, true), laneId: lane.id })}
        />
        <SweepPanel
          sgdNote="A surface has no data to sample: SGD steps exactly as gradient descent here, whatever its batch size."
          {...sweepSession.panel}
          client={client}
          iterations={settings.maxIterations}
          makeRequest={(grid) => {
            const s = latest.current;
            return formulaRefused ? null : { type: 'sweep', problem: { lab: 'surface', fn: surfaceFunction(s), start: { ...s.start } }, grid, iterations: s.maxIterations };
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
          canRun={!formulaRefused}
          actions={actions}
          onSettings={patch}
          pendingChanges={phase !== 'idle' && runSettings !== null && !sameSurfaceRun(runSettings, settings)}
          resetTitle="Back to the start point"
        >
          <label className="check" title="What each optimizer carries: the velocity arrow (momentum, Nesterov), the per-coordinate step box (Adagrad, Adadelta, RMSprop, Adam, Adamax)">
            <input type="checkbox" checked={showInternals} data-testid="surface-internals" onChange={(e) => setShowInternals(e.target.checked)} />
            internals
          </label>
          <label className="check" title="Arrows of −∇f, the way plain gradient descent would go">
            <input type="checkbox" checked={showField} data-testid="surface-field" onChange={(e) => setShowField(e.target.checked)} />
            −∇f field
          </label>
        </RunControls>
        <div className="views surface-views" ref={viewsRef}>
          <figure className="view-card">
            <figcaption>
              Contour map{' '}
              <span className="muted help" title={CONTOUR_HELP}>
                · f = {grid.grid?.formula ?? '…'}
              </span>
            </figcaption>
            <ContourMap store={store} grid={grid.grid} window={settings.window} start={settings.start} showField={showField} showInternals={showInternals} onStart={setStart} probe={probe} />
          </figure>
          <figure className="view-card">
            <figcaption>Surface (height: log-compressed f)</figcaption>
            <SurfaceView store={store} grid={grid.grid} window={settings.window} />
          </figure>
          <figure className="view-card">
            <figcaption>
              {knownMinimum ? 'f − f* (the known minimum) per iteration' : 'f per iteration'}
              <label className="check inline">
                <input type="checkbox" checked={logScale} data-testid="log-scale" onChange={(e) => setLogScale(e.target.checked)} />
                log scale
              </label>
            </figcaption>
            <SeriesChart store={store} series={chartSeries} yLabel={knownMinimum ? 'f − f*' : 'f'} log={logScale} capAtStart xTitle={false} testId="surface-loss-chart" />
            <SeriesChart store={store} series="learningRate" yLabel="rate" log compact testId="surface-rate-strip" />
          </figure>
          <div className="view-card readouts-card">
            <SurfaceReadouts store={store} />
            {fairRace && (
              <p className="fair-race-budget small-note" data-testid="fair-race-budget" title="Each optimizer at the best learning rate its sweep found; what the sweeps cost">
                Fair race: each lane at its own best learning rate · {fairRaceBudget(fairRace)}
              </p>
            )}
          </div>
        </div>
        <RunTimeline
          store={store}
          history={{
            csv: () => historyCsv(store.lanes, SURFACE_SERIES),
            json: () => historyJson(store.lanes, SURFACE_SERIES, { lab: 'surface', formula: store.formula, start: store.start, minima: store.minima, settings: runSettings }),
          }}
          viewRef={viewsRef}
          fileBase="surface"
          onError={reportError}
        />
      </section>
    </div>
  );
}
