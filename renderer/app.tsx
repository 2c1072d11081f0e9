import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BackendName, LabName } from '../main/protocol/messages';
import type { ConnectionState, EngineClient } from './engine-client';
import { SessionDropContext } from './drop-overlay';
import { ErrorBanner } from './error-banner';
import { LAB_TABS } from './lab-tabs';
import { AdversarialLab } from './labs/adversarial/adversarial-lab';
import { RegressionLab } from './labs/regression/regression-lab';
import { SpreadLab } from './labs/spread/spread-lab';
import { SurfaceLab } from './labs/surface/surface-lab';
import { SessionContext, SessionParts } from './session/session-parts';
import { useSessionFile } from './session/use-session-file';
import { StatusBar } from './status-bar';
import { SESSION_EXTENSION } from '../main/protocol/session';

export interface EngineInfo {
  backend: BackendName | null;
  version: string | null;
  connection: ConnectionState;
  /** Engine processes that died and were replaced since the page loaded. */
  restarts: number;
}

/** What the window says when the engine process died and a fresh one took over. */
export function engineRestartedNotice(reason: string): string {
  return `The engine stopped unexpectedly (${reason}) and was restarted; your settings and the runs shown are kept — press Run to continue.`;
}

/**
 * The shell: engine handshake, lab tabs, status bar and error banner. Every lab stays mounted
 * (hidden when not shown) so its settings and last run survive a tab switch; only the shown
 * one takes keys, drops and menu commands.
 */
export function App({ client }: { client: EngineClient }) {
  const [engine, setEngine] = useState<EngineInfo>({ backend: null, version: null, connection: 'connecting', restarts: 0 });
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [lab, setLab] = useState<LabName>('regression');

  // Ctrl+1, Ctrl+2, … switch labs, as tabs do in most desktop apps.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const tab = LAB_TABS[Number(e.key) - 1];
      if (!tab) return;
      e.preventDefault();
      setLab(tab.lab);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const offMessage = client.onMessage((m) => {
      if (m.type === 'ready') setEngine((e) => ({ ...e, backend: m.backend, version: m.version }));
      else if (m.type === 'runStarted') {
        setEngine((e) => (e.backend === m.backend ? e : { ...e, backend: m.backend }));
        setNotice(null);
      } else if (m.type === 'engineRestarted') {
        // The labs end their runs as stopped (use-lab-run.ts) and keep what they drew; the
        // fresh engine knows nothing yet, so greet it as a newly loaded page would.
        setEngine((e) => ({ ...e, backend: null, restarts: e.restarts + 1 }));
        setNotice(engineRestartedNotice(m.reason));
        client.send({ type: 'hello' });
      }
    });
    // Say hello on every (re)connect: a restarted server has a fresh engine to ask. The engine
    // drops its run on a hello, so transports call this before sending anything they queued.
    const offConnection = client.onConnection((connection) => {
      setEngine((e) => ({ ...e, connection }));
      if (connection === 'open') client.send({ type: 'hello' });
      // "…was restarted, press Run" no longer holds: the error banner says why, the status bar what to do.
      if (connection === 'stopped') setNotice(null);
    });
    return () => {
      offMessage();
      offConnection();
    };
  }, [client]);

  const reportError = useCallback((message: string | null) => setError(message), []);
  const sessionParts = useMemo(() => new SessionParts(), []);
  const sessionInput = useRef<HTMLInputElement>(null);
  const sessions = useSessionFile({ parts: sessionParts, activeLab: lab, showLab: setLab, reportError, reportNotice: setNotice, fileInput: sessionInput });
  const shown = LAB_TABS.find((t) => t.lab === lab)!;
  const labProps = (name: LabName) => ({ client, connection: engine.connection, reportError, active: lab === name });

  return (
    <SessionContext.Provider value={sessionParts}>
    <SessionDropContext.Provider value={sessions.openFile}>
    <div className="app">
      <header className="app-header">
        <h1>Descent Lab</h1>
        <nav className="lab-tabs" role="tablist" aria-label="Labs">
          {LAB_TABS.map((t, i) => (
            <button
              key={t.lab}
              type="button"
              role="tab"
              id={`tab-${t.lab}`}
              aria-selected={t.lab === lab}
              aria-controls={`panel-${t.lab}`}
              className={t.lab === lab ? 'lab-tab selected' : 'lab-tab'}
              data-testid={`tab-${t.lab}`}
              title={`${t.title} lab (Ctrl+${i + 1})`}
              onClick={() => {
                setLab(t.lab);
                setError(null);
              }}
            >
              {t.title}
            </button>
          ))}
        </nav>
        <p className="tagline">{shown.tagline}</p>
        <span className="session-buttons" role="group" aria-label="Session">
          <button type="button" className="small" onClick={() => void sessions.save(false)} data-testid="save-session" title="Save every lab's settings, data and runs in one file (Ctrl+S)">
            Save session
          </button>
          <button type="button" className="small" onClick={sessions.openDialog} data-testid="open-session" title="Open a saved session (Ctrl+Shift+O)">
            Open session…
          </button>
          <input
            ref={sessionInput}
            type="file"
            accept={`.${SESSION_EXTENSION}`}
            hidden
            data-testid="session-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) sessions.openFile(file);
              e.target.value = '';
            }}
          />
        </span>
      </header>
      {notice && <ErrorBanner message={notice} tone="notice" testId="engine-notice" onDismiss={() => setNotice(null)} />}
      {error && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      <main className="app-main">
        <div role="tabpanel" id="panel-regression" aria-labelledby="tab-regression" className="lab-panel" hidden={lab !== 'regression'}>
          <RegressionLab {...labProps('regression')} />
        </div>
        <div role="tabpanel" id="panel-spread" aria-labelledby="tab-spread" className="lab-panel" hidden={lab !== 'spread'}>
          <SpreadLab {...labProps('spread')} />
        </div>
        <div role="tabpanel" id="panel-adversarial" aria-labelledby="tab-adversarial" className="lab-panel" hidden={lab !== 'adversarial'}>
          <AdversarialLab {...labProps('adversarial')} />
        </div>
        <div role="tabpanel" id="panel-surface" aria-labelledby="tab-surface" className="lab-panel" hidden={lab !== 'surface'}>
          <SurfaceLab {...labProps('surface')} />
        </div>
      </main>
      <StatusBar engine={engine} />
    </div>
    </SessionDropContext.Provider>
    </SessionContext.Provider>
  );
}
