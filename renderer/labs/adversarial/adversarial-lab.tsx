/**
 * The Adversarial lab: a classifier's weights stay fixed while gradient descent moves the
 * input pixels. Model, images and attacks in the sidebar; per lane the original, adversarial
 * and amplified-difference images with a shared magnifier, the classes and distances of every
 * step; and a table over every loaded image. Choosing an image starts a paused run at step 0,
 * so the model's verdict on the original shows before any attack.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getDesktopApi } from '../../desktop-bridge';
import { DropOverlay } from '../../drop-overlay';
import type { ConnectionState, EngineClient } from '../../engine-client';
import { RunControls, type RunLength } from '../../run/run-controls';
import type { LaneDraft } from '../../run/run-store-base';
import { useLabRun, type PreparedRun } from '../../run/use-lab-run';
import { RunTimeline } from '../../run/timeline';
import type { SavedRun } from '../../run/run-store-base';
import { asRecord, useSessionPart } from '../../session/session-parts';
import { reportsCsv, reportsJson } from './reports-export';
import {
  attackLaneLabel,
  buildAdversarialRunConfig,
  checkAdversarialSettings,
  defaultAdversarialSettings,
  fitTargets,
  longestLane,
  sameAdversarialRun,
  type AdversarialSettings,
  type AttackLaneSettings,
} from './adversarial-settings';
import { AdversarialStore } from './adversarial-store';
import { AttackLaneList } from './attack-lane-list';
import { BatchTable } from './batch-table';
import { ImagePanel } from './image-panel';
import { LaneView, pct } from './lane-view';
import { ModelPanel } from './model-panel';
import { Lens } from './pixel-views';
import { checkSavedUniversal, saveUniversal } from './saved-universal';
import { UniversalPanel } from './universal-panel';
import { useBatch } from './use-batch';
import { useUniversal } from './use-universal';
import { fitsSize, useImages, type LoadedImage } from './use-images';
import { useModel, type ModelState } from './use-model';

interface AdversarialLabProps {
  client: EngineClient;
  connection: ConnectionState;
  reportError: (message: string | null) => void;
  active: boolean;
}

const GAINS = [1, 2, 4, 8, 16, 32, 64] as const;

export function AdversarialLab({ client, connection, reportError, active }: AdversarialLabProps) {
  const [settings, setSettings] = useState<AdversarialSettings>(defaultAdversarialSettings);
  const [runSettings, setRunSettings] = useState<AdversarialSettings | null>(null);
  const [gain, setGain] = useState(16);
  const gainRef = useRef(gain);
  gainRef.current = gain;
  const store = useMemo(() => new AdversarialStore(), []);
  const lens = useMemo(() => new Lens(), []);
  const [lanes, setLanes] = useState(store.lanes);
  useEffect(() => store.onLanes(() => setLanes(store.lanes)), [store]);

  const model = useModel(client, connection, active, reportError);
  const size = model.info ? { width: model.info.inputWidth, height: model.info.inputHeight } : null;
  const imgs = useImages(client, size, reportError);
  const labels = model.info?.labels ?? null;

  const latest = useRef({ settings, model, imgs, size, labels });
  latest.current = { settings, model, imgs, size, labels };
  const batchRunning = useRef<() => boolean>(() => false);

  const drafts = (lanesToRun: readonly AttackLaneSettings[], names: readonly string[] | null): LaneDraft[] =>
    lanesToRun.map((l) => ({ id: l.id, label: attackLaneLabel(l, names), colour: l.colour }));

  /** What a run on `image` with these lanes sends, or why there is none yet. */
  const configFor = useCallback((image: LoadedImage | null, paused: boolean): PreparedRun | string => {
    const { settings: s, model: m, size: sz, labels: names } = latest.current;
    if (!m.info || !m.modelId) return 'Wait for the model to load (or open a model folder).';
    if (!image) return 'Drop an image on the window, or open one, to attack it.';
    const name = image.name;
    if (!fitsSize(image, sz)) return `${name} is still being decoded for ${m.info.displayName}.`;
    // Targets the model has (the settings catch up in the effect below, with a note).
    const fitted = { ...s, lanes: fitTargets(s.lanes, m.info.hasCatDog, null).lanes };
    return {
      config: buildAdversarialRunConfig(fitted, m.modelId, image.decoded, names, paused),
      lanes: drafts(fitted.lanes, names),
      about: { modelName: m.info.displayName },
    };
  }, []);

  /** A run about to start on `image`: its name titles the exports, and "changed since" compares with these settings. */
  const showRunOn = useCallback(
    (image: LoadedImage) => {
      store.imageName = image.name;
      setRunSettings(latest.current.settings);
    },
    [store],
  );

  /**
   * Images the user adds while the shown attack has taken steps leave it in place: the name of
   * its image, or null when there is nothing to keep (no run, or the untouched step-0 preview).
   */
  const runToKeep = useCallback(() => (store.phase !== 'idle' && store.iteration > 0 ? store.imageName || 'the current image' : null), [store]);
  const addUserFiles = useCallback((files: File[]) => latest.current.imgs.addBrowserFiles(files, runToKeep), [runToKeep]);

  const lanesRef = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  /** Electron: main's dialog reads the files (onFileOpened below); a browser: the page's file input. */
  const chooseFiles = useCallback(() => {
    const api = getDesktopApi();
    if (api) api.openFileDialog('image');
    else fileInput.current?.click();
  }, []);

  const { phase, actions, setSpeed, stopRun, start } = useLabRun({
    lab: 'adversarial',
    client,
    connection,
    store,
    active,
    reportError,
    onOpen: chooseFiles,
    prepare: (paused) => {
      if (batchRunning.current()) return null;
      const image = latest.current.imgs.selected;
      const prepared = configFor(image, paused);
      if (typeof prepared === 'string') {
        reportError(prepared);
        return null;
      }
      showRunOn(image!);
      return prepared;
    },
  });

  /**
   * A run the lab starts on its own (the step-0 preview, each image of the folder table): it
   * has nothing to say when there is no run yet, and leaves any error shown standing.
   */
  const launch = useCallback(
    (image: LoadedImage, paused: boolean): string | null => {
      const prepared = configFor(image, paused);
      if (typeof prepared === 'string') return null;
      showRunOn(image);
      return start(prepared);
    },
    [configFor, showRunOn, start],
  );

  // "Attack every image" goes to the engine's worker pool as one request: the lanes shown keep
  // their own run (the step-0 preview stands aside while a batch runs, the cores being busy).
  const prepareBatch = useCallback((image: LoadedImage) => configFor(image, false), [configFor]);
  const { batch, startBatch, cancelBatch, closeBatch, batchRunning: isBatchRunning } = useBatch(client, prepareBatch);
  // The lab's runs wait for "Attack every image" (it takes the lab's images in turn) and for the
  // universal perturbation. The engine steps runs beside a universal one (in a worker of its
  // own), but a Step pressed here while one ran stayed "starting" in an end-to-end test, not yet
  // understood, so runs stay off meanwhile.
  const { universal, startUniversal, cancelUniversal, restoreUniversal, universalRunning } = useUniversal(client);
  const [universalOpen, setUniversalOpen] = useState(false);
  batchRunning.current = () => isBatchRunning() || universalRunning();

  // The first time the lab is shown, an empty list gets the sample photos (a cat and a dog),
  // so Run works at once; the user's own photos take their place.
  const offeredSamples = useRef(false);
  useEffect(() => {
    if (!active || offeredSamples.current) return;
    offeredSamples.current = true;
    latest.current.imgs.addSamples();
  }, [active]);

  // The chosen image, once decoded for the loaded model, gets a paused run at step 0: every
  // lane shows the model's verdict on the original, and Step or Space carries on from there.
  const selected = imgs.selected;
  const ready = fitsSize(selected, size) && !!model.info;
  const previewKey = ready ? `${selected.id}|${selected.decoded.width}x${selected.decoded.height}|${model.info!.id}` : '';
  /** A session's run is shown as saved: its images coming back must not start a preview over it. */
  const keepRestoredRun = useRef(false);
  // Only while the lab is shown: the engine runs one run at a time, and a preview started
  // behind another lab's tab would stop that lab's run.
  // A key that changed while the lab was hidden is previewed when it is shown again.
  const previewed = useRef('');
  /**
   * The preview's run until it shows step 0 (runStarted and its paused frame still on their
   * way): lanes changed meanwhile restart it. Forgotten once it shows step 0 (or ends), so a
   * preview the user has since resumed is a run like any other.
   */
  const previewStarting = useRef<string | null>(null);
  useEffect(
    () =>
      store.onPhase((p) => {
        if (p !== 'starting' && p !== 'running') previewStarting.current = null;
      }),
    [store],
  );
  const preview = useCallback(
    (image: LoadedImage) => {
      previewStarting.current = launch(image, true);
    },
    [launch],
  );
  useEffect(() => {
    if (!previewKey || !active || previewed.current === previewKey) return;
    previewed.current = previewKey;
    // A batch selects each image as its turn comes and runs it itself.
    if (batchRunning.current()) return;
    if (keepRestoredRun.current) {
      keepRestoredRun.current = false;
      return;
    }
    const image = latest.current.imgs.selected;
    if (image) preview(image);
  }, [previewKey, preview, active]);

  // Targets follow the model: a cat or dog target on a model without those classes becomes
  // "not current", and says so.
  const hasCatDog = model.info?.hasCatDog ?? true;
  const [targetNote, setTargetNote] = useState<string | null>(null);
  useEffect(() => {
    if (!model.info) return;
    const fit = fitTargets(latest.current.settings.lanes, model.info.hasCatDog, null);
    if (fit.lanes !== latest.current.settings.lanes) setSettings((s) => ({ ...s, lanes: fitTargets(s.lanes, model.info!.hasCatDog, null).lanes }));
    // The note stays while the model lacks the classes (loading it again changes nothing more).
    if (fit.note || model.info.hasCatDog) setTargetNote(fit.note);
  }, [model.info]);

  // A lane left on its default target takes the one the first verdict suggests (a cat → dog,
  // a dog → cat, anything else → not current), as soon as the step-0 preview has it.
  useEffect(() => {
    if (phase !== 'ready' || !store.before || !selected || store.imageName !== selected.name) return;
    const { cat, dog } = store.before;
    const fit = fitTargets(latest.current.settings.lanes, hasCatDog, { cat, dog });
    if (fit.lanes !== latest.current.settings.lanes) setSettings((s) => ({ ...s, lanes: fit.lanes }));
  }, [phase, store, selected, hasCatDog]);

  // New lanes or targets before anything ran (at step 0, or the preview still starting): the
  // preview is taken again, so the lanes show them. A run that has stepped, or a real run still
  // starting, keeps its lanes until Run.
  const targetsKey = settings.lanes.map((l) => `${l.id}:${JSON.stringify(l.target)}`).join('|');
  const previewedTargets = useRef(targetsKey);
  useEffect(() => {
    if (previewedTargets.current === targetsKey) return;
    previewedTargets.current = targetsKey;
    const image = latest.current.imgs.selected;
    const atStepZero = (store.phase === 'paused' && store.iteration === 0) || (store.runId !== null && store.runId === previewStarting.current);
    if (!image || !active || !atStepZero || batchRunning.current()) return;
    if (previewed.current !== previewKey) return; // the preview effect takes it
    preview(image);
  }, [targetsKey, active, store, previewKey, preview]);

  useSessionPart(
    'adversarial',
    () => ({
      settings,
      runSettings,
      model: model.modelId,
      images: imgs.images.map((im) => ({ name: im.name, bytes: im.bytes })),
      selected: imgs.images.findIndex((im) => im.id === imgs.selected?.id),
      run: store.saveRun(),
      universal: saveUniversal(universal),
    }),
    (raw) => {
      const part = asRecord(raw, 'the adversarial part');
      const next = checkAdversarialSettings(part.settings);
      const ran = part.runSettings ? checkAdversarialSettings(part.runSettings) : null;
      const images = (Array.isArray(part.images) ? part.images : []).filter(
        (im): im is { name: string; bytes: Uint8Array } => typeof im === 'object' && im !== null && typeof im.name === 'string' && im.bytes instanceof Uint8Array,
      );
      const run = (part.run as SavedRun | null) ?? null;
      // Sessions saved before the universal perturbation was kept have no such part.
      const savedUniversal = part.universal ? checkSavedUniversal(part.universal) : null;
      const showRun = store.prepareRun(run);
      stopRun();
      setSettings(next);
      setRunSettings(ran);
      if (typeof part.model === 'string' && part.model !== model.modelId) model.choose(part.model);
      showRun();
      restoreUniversal(savedUniversal);
      setUniversalOpen(savedUniversal !== null);
      keepRestoredRun.current = run !== null && images.length > 0;
      for (const im of imgs.images) imgs.remove(im.id);
      // The image the run was of first: the first one decoded becomes the selected one.
      const selected = typeof part.selected === 'number' ? part.selected : -1;
      const ordered = selected > 0 && selected < images.length ? [images[selected]!, ...images.filter((_, i) => i !== selected)] : images;
      if (ordered.length) imgs.addFiles(ordered.map((im) => ({ name: im.name, size: im.bytes.length, bytes: () => Promise.resolve(im.bytes) })));
    },
  );

  // Electron's Open dialog sends each picked file on its own; the ones of one pick arrive
  // together, so they are gathered and added as one set.
  const addFiles = imgs.addFiles;
  useEffect(() => {
    const api = getDesktopApi();
    if (!api || !active) return;
    let pending: { name: string; size: number; bytes: () => Promise<Uint8Array> }[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const off = api.onFileOpened((f) => {
      if (f.kind !== 'image' || !f.bytes) return;
      const bytes = f.bytes;
      pending.push({ name: f.name, size: bytes.length, bytes: () => Promise.resolve(bytes) });
      clearTimeout(flush);
      flush = setTimeout(() => {
        addFiles(pending, runToKeep);
        pending = [];
      }, 50);
    });
    return () => {
      clearTimeout(flush);
      off();
    };
  }, [active, addFiles, runToKeep]);

  const patch = useCallback(
    (p: Partial<AdversarialSettings>) => {
      setSettings((s) => {
        const next = { ...s, ...p };
        // The cap follows the lanes: the largest lane's iterations, unless typed over since.
        if (p.lanes) next.maxIterations = longestLane(p.lanes);
        return next;
      });
      if (p.itersPerSecond !== undefined) setSpeed(p.itersPerSecond);
    },
    [setSpeed],
  );

  const runLength: RunLength = { maxIterations: settings.maxIterations, itersPerSecond: settings.itersPerSecond, seed: settings.seed };
  const pending = phase !== 'idle' && runSettings !== null && !sameAdversarialRun(runSettings, settings);
  const batching = !!batch?.running || !!universal?.running;
  const decodedImages = imgs.images.filter((im) => fitsSize(im, size));
  const verdict = verdictOf(store, selected);

  return (
    <div className="lab adv-lab">
      <DropOverlay onFiles={addUserFiles} hint="Drop images to attack them" enabled={active} />
      <aside className="sidebar">
        <ModelPanel
          models={model.models}
          modelId={model.modelId}
          state={model.state}
          addingFolder={model.addingFolder}
          onChoose={model.choose}
          onCancel={model.cancel}
          onRetry={model.retry}
          onOpenFolder={model.openFolder}
          reportError={reportError}
        />
        <ImagePanel images={imgs.images} selected={selected} busy={imgs.busy} note={imgs.note} verdict={verdict} onOpen={chooseFiles} onSamples={imgs.addSamples} onSelect={imgs.select} onRemove={imgs.remove} />
        <input
          ref={fileInput}
          type="file"
          accept="image/*"
          multiple
          hidden
          data-testid="images-input"
          data-open-file
          onChange={(e) => {
            if (e.target.files?.length) addUserFiles(Array.from(e.target.files));
            e.target.value = ''; // let the same files be chosen again
          }}
        />
        <AttackLaneList lanes={settings.lanes} labels={labels} hasCatDog={hasCatDog} note={targetNote} onChange={(l) => patch({ lanes: l })} />
      </aside>
      <section className="workspace adv-workspace">
        <RunControls phase={phase} settings={runLength} canRun={ready && !batching} actions={actions} onSettings={patch} pendingChanges={pending} resetTitle="Back to the original image" />
        <div className="adv-toolbar">
          <label className="check" title="How much the difference image is amplified">
            difference
            <select value={gain} onChange={(e) => setGain(Number(e.target.value))} data-testid="gain">
              {GAINS.map((g) => (
                <option key={g} value={g}>
                  ×{g}
                </option>
              ))}
            </select>
          </label>
          <span className="muted">Hover any image to magnify the same pixels in all of them.</span>
          <button
            type="button"
            className="adv-batch-button"
            disabled={batching || decodedImages.length === 0 || !model.info}
            onClick={() => startBatch(decodedImages, settings.lanes.map((l) => attackLaneLabel(l, labels)))}
            data-testid="batch-run"
            title={`Run every lane's attack (${settings.lanes.length}) on every loaded image, the images spread over the engine's worker threads, and tabulate the results, a row per image and lane`}
          >
            Attack every image{decodedImages.length ? ` (${decodedImages.length})` : ''} with {settings.lanes.length === 1 ? 'the lane' : `all ${settings.lanes.length} lanes`}
          </button>
          <button
            type="button"
            onClick={() => setUniversalOpen(true)}
            disabled={universalOpen}
            data-testid="universal-open"
            title="One perturbation, within ε in L∞, that changes the model's verdict on as many of the loaded images as it can; its fooling rate against ε"
          >
            Universal perturbation…
          </button>
        </div>
        <div className="adv-lanes" data-testid="lane-views" ref={lanesRef}>
          {lanes.length === 0 && <p className="adv-empty muted">{emptyText(model.state.kind, imgs.images.length > 0, !!selected)}</p>}
          {lanes.map((l, i) => (
            <LaneView key={l.id} store={store} client={client} laneId={l.id} index={i} label={l.label} colour={l.colour} labels={labels} lens={lens} gain={gainRef} gainLabel={gain} reportError={reportError} />
          ))}
        </div>
        {universalOpen && (
          <UniversalPanel
            state={universal}
            client={client}
            imageCount={decodedImages.length}
            canRun={decodedImages.length > 0 && !!model.info && !!model.modelId && !batch?.running}
            gain={gain}
            onRun={(epsilons, iterations) => startUniversal(decodedImages, model.modelId!, epsilons, iterations)}
            onCancel={cancelUniversal}
            onClose={() => setUniversalOpen(false)}
            reportError={reportError}
          />
        )}
        {batch && <BatchTable batch={batch} onCancel={cancelBatch} onClose={closeBatch} />}
        <RunTimeline
          store={store}
          history={{
            csv: () => reportsCsv(store.lanes),
            json: () => reportsJson(store.lanes, { lab: 'adversarial', image: store.imageName, model: store.model, before: store.before, settings: runSettings }),
          }}
          viewRef={lanesRef}
          fileBase={`adversarial-${(store.imageName || 'image').replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')}`}
          onError={reportError}
        />
      </section>
    </div>
  );
}

/** What the empty lanes area says: the same state the model panel shows, in one sentence. */
function emptyText(model: ModelState['kind'], haveImages: boolean, selected: boolean): string {
  if (model === 'unavailable' || model === 'failed' || model === 'cancelled') return 'No model to attack with yet: see the Model panel (Open model folder…).';
  if (model !== 'ready') return 'The model is loading; then drop a photo anywhere on the window.';
  if (!haveImages) return 'Drop a photo anywhere on the window (or Open images…): a cat, a dog, anything.';
  return selected ? 'Preparing the image…' : 'Pick an image to attack.';
}

/** What the model says of the selected image, when the run shown is on it. */
function verdictOf(store: AdversarialStore, selected: LoadedImage | null): string | null {
  const top = store.before?.top5[0];
  if (!selected || !top || store.imageName !== selected.name || store.phase === 'idle') return null;
  const { cat, dog } = store.before!;
  const groups = cat !== null && dog !== null ? ` · cats ${pct(cat)}, dogs ${pct(dog)}` : '';
  return `Model: ${top.label} ${pct(top.probability)}${groups}`;
}
