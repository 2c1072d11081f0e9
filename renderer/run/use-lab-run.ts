/**
 * The run side of any lab: engine messages for this lab's runs into its store, Run / Pause /
 * Step / Stop / Reset, speed changes, and — while the lab is the one shown — the keyboard
 * shortcuts and Electron's Run menu.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ControlAction, FrameMessage, LabName, RunConfig, RunStartedMessage } from '../../main/protocol/messages';
import { getDesktopApi } from '../desktop-bridge';
import type { ConnectionState, EngineClient } from '../engine-client';
import { runCard } from '../export/run-card';
import type { RunActions } from './run-controls';
import { shownPhase, type LaneDraft, type RunStoreBase, type ShownPhase } from './run-store-base';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';

/** A run ready to send: its config and the lanes as the page shows them until the engine answers. */
export interface PreparedRun {
  config: RunConfig;
  lanes: LaneDraft[];
  /** Names for the run card that the config holds only as ids or arrays (a model's, a data set's). */
  about?: Record<string, unknown>;
}

interface LabRunOptions<L extends LabName> {
  lab: L;
  client: EngineClient;
  connection: ConnectionState;
  /** Each lab's store narrows its own lane tracks. */
  store: RunStoreBase<any, Extract<RunStartedMessage, { lab: L }>, Extract<FrameMessage, { lab: L }>>;
  active: boolean;
  reportError: (message: string | null) => void;
  /** The run the current settings describe, or null when there is nothing to run yet. */
  prepare: (paused: boolean) => PreparedRun | null;
  /** File > Open while this lab is shown; a lab with no file of its own leaves it out, and File > Open opens a session. */
  onOpen?: () => void;
}

let runCounter = 0;

/**
 * The run each engine holds now, from its runStarted messages: it keeps one run for every lab,
 * so a lab's finished run may have been replaced by another lab's since.
 */
const engineRuns = new WeakMap<EngineClient, string>();

export function useLabRun<L extends LabName>({ lab, client, connection, store, active, reportError, prepare, onOpen }: LabRunOptions<L>) {
  const [phase, setPhase] = useState<ShownPhase>(() => shownPhase(store));
  useEffect(() => {
    setPhase(shownPhase(store));
    return store.onPhase(() => setPhase(shownPhase(store)));
  }, [store]);
  const prepareRef = useRef(prepare);
  prepareRef.current = prepare;
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  // The run a restarted engine (or a dropped socket) took with it: it stays drawn, but controls
  // for it would only get "no run" back, so they act on the page alone.
  const lostRunRef = useRef<string | null>(null);

  // Engine messages for this lab's runs; requests and replies are matched where they are made.
  useEffect(
    () =>
      client.onMessage((m) => {
        if (m.type === 'runStarted') {
          engineRuns.set(client, m.runId);
          if (m.lab === lab) store.runStarted(m as Extract<RunStartedMessage, { lab: L }>);
        } else if (m.type === 'frame') {
          if (m.lab === lab) store.frame(m as Extract<FrameMessage, { lab: L }>);
        } else if (m.type === 'engineRestarted') {
          lostRunRef.current = store.runId;
          store.fail(undefined);
        } else if (m.type === 'error' && m.requestId === undefined) {
          if (m.runId === undefined || m.runId === store.runId) {
            store.fail(m.runId);
            if (active || m.runId !== undefined) reportError(`Engine: ${m.error.message}`);
          }
        }
      }),
    [client, store, reportError, lab, active],
  );

  // A dropped socket ends the run as far as we can tell; the server starts a fresh engine (or,
  // once one kept dying, none until the page is reloaded).
  useEffect(() => {
    if (connection !== 'closed' && connection !== 'stopped') return;
    lostRunRef.current = store.runId;
    store.fail(undefined);
  }, [connection, store]);

  /**
   * The one way a run starts, whether from the run controls or a lab's own (the Adversarial
   * lab's step-0 preview and its folder table): a fresh run replaces the old one. Stop the old
   * one ourselves rather than leave it to the engine: if it refuses the new start, the old run
   * would stream on with no way to stop it (the store has moved on to the new runId).
   */
  /** The run being started was started paused (by Step): a Step while it starts is one more step, not a pause. */
  const startedPaused = useRef(false);
  const start = useCallback(
    (prepared: PreparedRun): string => {
      const runId = `${lab}-${++runCounter}-${Date.now().toString(36)}`;
      if (store.runId && store.isActive()) client.send({ type: 'control', runId: store.runId, action: 'stop' });
      store.begin(runId, prepared.lanes, runCard(prepared.config, prepared.about));
      client.send({ type: 'start', runId, config: prepared.config });
      startedPaused.current = prepared.config.paused === true;
      return runId;
    },
    [client, store, lab],
  );

  /** Run or Step with nothing running: the current settings' run, or prepare's reason why not. */
  const startRun = useCallback(
    (paused: boolean): string | null => {
      const prepared = prepareRef.current(paused);
      if (!prepared) return null;
      reportError(null);
      return start(prepared);
    },
    [start, reportError],
  );

  const control = useCallback(
    (action: ControlAction) => {
      if (!store.runId) return;
      // A run the engine no longer has (it restarted, or another lab's run replaced it) stays
      // drawn; its controls act on the page alone. A run still starting is the engine's next.
      const gone = store.runId === lostRunRef.current || (store.phase !== 'starting' && engineRuns.get(client) !== store.runId);
      if (gone) {
        if (action === 'reset') store.clear();
        return;
      }
      client.send({ type: 'control', runId: store.runId, action });
    },
    [client, store],
  );

  const setSpeed = useCallback(
    (itersPerSecond: number) => {
      if (store.runId && store.isActive()) client.send({ type: 'setSpeed', runId: store.runId, itersPerSecond });
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
        // The engine handles requests in order: a step sent while a paused start is on its way
        // is the run's next step.
        if (store.phase === 'paused' || (store.phase === 'starting' && startedPaused.current)) control('step');
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

  useKeyboardShortcuts(actions, () => store.phase === 'running' || store.phase === 'paused' || store.phase === 'starting', active);

  // In a browser Ctrl+O opens the lab's own file picker (the input marked data-open-file in its
  // panel), or the session's where the lab has none, as File > Open (Ctrl+O) does in the app.
  // Ctrl+Shift+O is always the session's.
  useEffect(() => {
    if (getDesktopApi() || !active) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'o') return;
      e.preventDefault();
      const own = document.querySelector<HTMLInputElement>(`#panel-${lab} input[type="file"][data-open-file]`);
      (own ?? document.querySelector<HTMLInputElement>('input[type="file"][data-testid="session-input"]'))?.click();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, lab]);

  // Electron's File > Open and Run menu act on the lab shown.
  useEffect(() => {
    const api = getDesktopApi();
    if (!api || !active) return;
    return api.onMenu((command) => {
      if (command === 'open') (onOpenRef.current ?? (() => api.openSessionDialog()))();
      else if (command === 'run') actions.run();
      else if (command === 'pause') actions.pauseOrResume();
      else if (command === 'step') actions.step();
      else if (command === 'stop') actions.stop();
      else if (command === 'reset') actions.reset();
    });
  }, [actions, active]);

  const stopRun = useCallback(() => {
    if (store.isActive()) control('stop');
  }, [store, control]);

  return { phase, actions, setSpeed, stopRun, start };
}
