/**
 * The Spread lab: N unit vectors in D dimensions pushed apart, one lane per loss and optimizer
 * from the same start. Settings in the sidebar; the vectors (sphere, circle or projection),
 * charts of loss, minimum angle and energy, the pairwise-angle histogram and per-lane numbers
 * in the workspace.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { FILE_KIND_SPECS } from '../../../main/protocol/desktop-api';
import type { OptimizerName } from '../../../main/protocol/optimizers';
import { CONSTANT_SCHEDULE } from '../../../main/protocol/schedules';
import { DEFAULT_SPREAD_LOSS, spreadSizeProblem, type SpreadLossSettings } from '../../../main/protocol/spread';
import { spreadSweepSizeProblem } from '../../../main/protocol/sweep';
import { getDesktopApi } from '../../desktop-bridge';
import { DropOverlay } from '../../drop-overlay';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { requestLrFind, requestVectors } from '../../engine-requests';
import { LaneList } from '../../run/lane-list';
import { RunControls } from '../../run/run-controls';
import { RunTimeline } from '../../run/timeline';
import { historyCsv, historyJson } from '../../export/history-export';
import { SeriesChart } from '../../run/series-chart';
import { useLabRun } from '../../run/use-lab-run';
import { saveFile } from '../../save-file';
import { AngleHistogram } from './angle-histogram';
import { ProblemPanel } from './problem-panel';
import { MAX_DECORATED_VECTORS, SphereView, type SphereViewOptions } from './sphere-view';
import { SpreadLaneFields, SpreadLossFields } from './spread-lane-fields';
import { SpreadReadouts } from './spread-readouts';
import { asRecord, useSessionPart } from '../../session/session-parts';
import type { SavedRun } from '../../run/run-store-base';
import { buildSpreadRunConfig, checkSpreadLoss, checkSpreadSettings, defaultSpreadSettings, makeSpreadLane, nextSpreadLane, sameSpreadRun, spreadLaneLabel, type SpreadLaneSettings, type SpreadSettings } from './spread-settings';
import { SPREAD_SERIES, SpreadStore } from './spread-store';
import { fairRaceBudget, SweepPanel } from '../../tune/sweep-panel';
import { useSweepLanes } from '../../tune/use-sweep-lanes';
import { useSavedSweep } from '../../tune/saved-sweep';

interface SpreadLabProps {
  client: EngineClient;
  connection: ConnectionState;
  reportError: (message: string | null) => void;
  active: boolean;
}

const MAX_VECTOR_FILE_BYTES = FILE_KIND_SPECS.vectors.maxBytes;

export function SpreadLab({ client, connection, reportError, active }: SpreadLabProps) {
  const [settings, setSettings] = useState<SpreadSettings>(defaultSpreadSettings);
  const [runSettings, setRunSettings] = useState<SpreadSettings | null>(null);
  const [view, setView] = useState<SphereViewOptions>({ edges: false, forces: false });
  const [logEnergy, setLogEnergy] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const store = useMemo(() => new SpreadStore(), []);
  const exportPng = useRef<(() => Promise<Blob | null>) | null>(null);
  const viewsRef = useRef<HTMLDivElement>(null);
  const latest = useRef(settings);
  latest.current = settings;

  const fileInput = useRef<HTMLInputElement>(null);
  /** Electron: main's dialog reads the file (onFileOpened below); a browser: the page's file input. */
  const chooseFile = useCallback(() => {
    const api = getDesktopApi();
    if (api) api.openFileDialog('vectors');
    else fileInput.current?.click();
  }, []);

  const prepare = (paused: boolean) => {
    const s = latest.current;
    const problem = spreadSizeProblem(s.n, s.dim);
    if (problem) {
      reportError(problem);
      return null;
    }
    setRunSettings(s);
    return {
      config: buildSpreadRunConfig(s, paused),
      lanes: s.lanes.map((l) => ({ id: l.id, label: spreadLaneLabel(l), optimizer: l.optimizer, params: l.params, colour: l.colour })),
    };
  };
  const { phase, actions, setSpeed, stopRun, start } = useLabRun({ lab: 'spread', client, connection, store, active, reportError, onOpen: chooseFile, prepare });

  // A sweep's cells descend one loss (the lanes may each have their own): a cell or a fair race
  // becomes lanes of that loss, on the constant schedule the sweep ran, and a fresh run starts.
  const [sweepLoss, setSweepLoss] = useState<SpreadLossSettings>({ ...DEFAULT_SPREAD_LOSS });
  const sweepLossRef = useRef(sweepLoss);
  sweepLossRef.current = sweepLoss;
  /** The loss of the sweep last run (the heatmap's): its cells race as lanes of it, and a session keeps it. */
  const sweptLoss = useRef<SpreadLossSettings>(sweepLoss);
  const setLanes = useCallback((update: (lanes: readonly SpreadLaneSettings[]) => SpreadLaneSettings[]) => setSettings((s) => ({ ...s, lanes: update(s.lanes) })), []);
  const prepareRef = useRef(prepare);
  prepareRef.current = prepare;
  const restart = useCallback(() => {
    const prepared = prepareRef.current(false);
    if (prepared) void start(prepared);
  }, [start]);
  const makeSweepLane = useCallback((optimizer: OptimizerName, usedColours: readonly string[], params: Record<string, number>) => {
    const { loss, s, temperatureDeg } = sweptLoss.current;
    return makeSpreadLane(loss, optimizer, usedColours, params, { s, temperatureDeg, schedule: CONSTANT_SCHEDULE });
  }, []);
  const { fairRace, clearFairRace, raceCell, raceFairly } = useSweepLanes(settings.lanes, setLanes, restart, makeSweepLane);
  useEffect(() => clearFairRace(), [settings.n, settings.dim, settings.start, clearFairRace]);

  const sweepSession = useSavedSweep();
  useSessionPart(
    'spread',
    () => ({ settings, runSettings, run: store.saveRun(), sweep: sweepSession.saved, sweepLoss: sweptLoss.current }),
    (raw) => {
      const part = asRecord(raw, 'the spread part');
      const next = checkSpreadSettings(part.settings);
      const ran = part.runSettings ? checkSpreadSettings(part.runSettings) : null;
      const showSweep = sweepSession.check(part.sweep);
      const loss = part.sweepLoss === undefined ? null : checkSpreadLoss(part.sweepLoss, "the sweep's loss");
      const showRun = store.prepareRun((part.run as SavedRun | null) ?? null);
      stopRun();
      setSettings(next);
      setRunSettings(ran);
      showSweep();
      if (loss) {
        sweptLoss.current = loss;
        setSweepLoss(loss);
      }
      showRun();
    },
  );

  const patch = useCallback(
    (p: Partial<SpreadSettings>) => {
      setSettings((s) => ({ ...s, ...p }));
      if (p.itersPerSecond !== undefined) setSpeed(p.itersPerSecond);
    },
    [setSpeed],
  );

  const useVectorsText = useCallback(
    (name: string, text: Promise<string>) => {
      setBusy(`Reading ${name}…`);
      text
        .then((t) => requestVectors(client, name, t))
        .then((r) => {
          reportError(null);
          patch({ n: r.n, dim: r.dim, start: { name: r.name, n: r.n, dim: r.dim, vectors: r.vectors } });
        })
        .catch((e: Error) => reportError(`Could not use ${name}: ${e.message}`))
        .finally(() => setBusy(null));
    },
    [client, patch, reportError],
  );

  const openFile = useCallback(
    (file: File) => {
      if (file.size > MAX_VECTOR_FILE_BYTES) reportError(`${file.name} is too large (over ${MAX_VECTOR_FILE_BYTES / 1024 / 1024} MiB)`);
      else useVectorsText(file.name, file.text());
    },
    [reportError, useVectorsText],
  );

  useEffect(() => {
    const api = getDesktopApi();
    if (!api || !active) return;
    return api.onFileOpened((f) => {
      if (f.kind === 'vectors' && f.text !== undefined) useVectorsText(f.name, Promise.resolve(f.text));
    });
  }, [active, useVectorsText]);

  const savePng = useCallback(() => {
    void exportPng.current?.().then((blob) => {
      if (blob) saveFile(`spread-${store.n || settings.n}x${store.dim || settings.dim}-it${store.iteration}.png`, blob);
    });
  }, [store, settings.n, settings.dim]);

  const dim = store.dim || settings.dim;
  const decorations = dim === 3 && settings.n <= MAX_DECORATED_VECTORS;
  const ref = store.reference;
  const runLanes = runSettings?.lanes ?? settings.lanes;
  const mixedLosses = new Set(runLanes.map((l) => l.loss)).size > 1;
  const pending = phase !== 'idle' && runSettings !== null && !sameSpreadRun(runSettings, settings);

  return (
    <div className="lab">
      <DropOverlay onFile={openFile} hint="Drop a CSV or JSON of vectors to start from them" enabled={active} />
      <aside className="sidebar">
        <ProblemPanel settings={settings} onChange={patch} onChoose={chooseFile} busy={busy} />
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.tsv,.txt,.json,text/csv,application/json,text/plain"
          hidden
          data-testid="vectors-input"
          data-open-file
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) openFile(file);
            e.target.value = ''; // let the same file be chosen again
          }}
        />
        <LaneList
          lanes={settings.lanes}
          onChange={(lanes) => patch({ lanes })}
          makeLane={nextSpreadLane}
          findRate={(lane) => requestLrFind(client, { type: 'lrFind', config: buildSpreadRunConfig(settings, true), laneId: lane.id })}
          extra={(lane, i, change) => <SpreadLaneFields lane={lane} index={i} onChange={change} />}
        />
        <SweepPanel
          sgdNote="SGD moves this many seeded random vectors a step: every cell draws the same rows (the run's seed) that a lane made from the cell draws."
          {...sweepSession.panel}
          client={client}
          iterations={settings.maxIterations}
          refused={spreadSweepSizeProblem(settings.n, settings.dim) ?? spreadSizeProblem(settings.n, settings.dim) ?? null}
          makeRequest={(grid) => {
            const s = latest.current;
            const { problem } = buildSpreadRunConfig(s, false);
            sweptLoss.current = { ...sweepLossRef.current };
            return { type: 'sweep', problem: { lab: 'spread', problem, loss: { ...sweptLoss.current }, seed: s.seed }, grid, iterations: s.maxIterations };
          }}
          onCell={raceCell}
          onFairRace={raceFairly}
          reportError={reportError}
        >
          <SpreadLossFields
            value={sweepLoss}
            name="Sweep loss"
            testIds={{ loss: 'sweep-loss', s: 'sweep-s', temperature: 'sweep-temperature' }}
            temperatureTitle="Temperature of a softened minimum, in degrees; a sweep holds it (a constant schedule), and a cell raced as a lane keeps it. 0 = the hard minimum"
            onChange={(change) => setSweepLoss((l) => ({ ...l, ...change }))}
          />
          <p className="muted small-note">
            Each cell its own {settings.n} vectors from the run&rsquo;s start (N·D ≤ 4,096), at a constant learning rate; a clicked cell races as a lane with this loss.
          </p>
        </SweepPanel>
      </aside>
      <section className="workspace spread-workspace">
        <RunControls phase={phase} settings={settings} canRun={!busy} actions={actions} onSettings={patch} pendingChanges={pending} resetTitle="Back to the start vectors" />
        <div className="views spread-views" ref={viewsRef}>
          <figure className="view-card sphere-card">
            <figcaption>
              <span title={dim === 2 ? 'Scroll to zoom' : 'Drag to turn (every lane turns together), scroll to zoom'}>
                {dim === 2 ? 'Unit circle' : dim === 3 ? 'Unit sphere' : `${dim}-D, projected`}
                {dim > 3 && (
                  <span className="muted help" title="Each lane's vectors projected onto their three main directions (principal components)">
                    {' '}
                    (?)
                  </span>
                )}
              </span>
              <span className="figure-tools">
                <label className="check inline" title={decorations ? 'A line from each vector to its nearest neighbour' : `Only on the 3-D sphere with at most ${MAX_DECORATED_VECTORS} vectors`}>
                  <input type="checkbox" checked={view.edges} disabled={!decorations} data-testid="show-edges" onChange={(e) => setView((v) => ({ ...v, edges: e.target.checked }))} />
                  neighbours
                </label>
                <label className="check inline" title={decorations ? 'The net repulsion along the sphere at each vector' : `Only on the 3-D sphere with at most ${MAX_DECORATED_VECTORS} vectors`}>
                  <input type="checkbox" checked={view.forces} disabled={!decorations} data-testid="show-forces" onChange={(e) => setView((v) => ({ ...v, forces: e.target.checked }))} />
                  forces
                </label>
                <button type="button" className="small" onClick={savePng} data-testid="export-png" title="Save the view as a PNG">
                  PNG
                </button>
              </span>
            </figcaption>
            <SphereView store={store} dim={settings.dim} options={view} exportRef={exportPng} />
          </figure>
          <figure className="view-card">
            <figcaption title={mixedLosses ? 'The lanes minimise different losses, so each is shown divided by the size of its start value' : undefined}>
              Loss per iteration{mixedLosses && <span className="muted"> · ÷ |start|</span>}
            </figcaption>
            <SeriesChart store={store} series="loss" yLabel={mixedLosses ? 'loss ÷ |start|' : 'loss'} scaleToStart={mixedLosses} xTitle={false} testId="spread-loss-chart" />
            <SeriesChart store={store} series="learningRate" yLabel="rate" log compact testId="spread-rate-strip" />
          </figure>
          <figure className="view-card">
            <figcaption>Minimum angle (degrees)</figcaption>
            <SeriesChart
              store={store}
              series="minAngleDeg"
              yLabel="min angle °"
              reference={ref?.tammesAngleDeg ? { value: ref.tammesAngleDeg, label: 'best known (Tammes)' } : null}
              testId="spread-angle-chart"
            />
          </figure>
          <figure className="view-card">
            <figcaption>
              Coulomb energy Σ 1/r
              <label className="check inline">
                <input type="checkbox" checked={logEnergy} onChange={(e) => setLogEnergy(e.target.checked)} />
                log scale
              </label>
            </figcaption>
            <SeriesChart
              store={store}
              series="energy"
              yLabel="energy"
              log={logEnergy}
              // Under the line: no energy is below the best known, so the lanes come down onto it from above.
              reference={ref?.thomsonEnergy ? { value: ref.thomsonEnergy, label: 'best known (Thomson)', below: true } : null}
              testId="spread-energy-chart"
            />
          </figure>
          {dim > 2 && (
            <figure className="view-card">
              <figcaption>Pairwise angles</figcaption>
              <AngleHistogram store={store} />
            </figure>
          )}
          <div className="view-card readouts-card spread-readouts-card">
            <SpreadReadouts store={store} dim={dim} />
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
            csv: () => historyCsv(store.lanes, SPREAD_SERIES),
            json: () =>
              historyJson(store.lanes, SPREAD_SERIES, { lab: 'spread', n: store.n, dim: store.dim, reference: store.reference, settings: runSettings && { ...runSettings, start: runSettings.start?.name ?? null } }),
          }}
          viewRef={viewsRef}
          fileBase={`spread-${store.n || settings.n}x${dim}`}
          onError={reportError}
        />
      </section>
    </div>
  );
}
