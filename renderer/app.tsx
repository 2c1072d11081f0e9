import { useCallback, useEffect, useState } from 'react';
import type { BackendName } from '../main/protocol/messages';
import type { ConnectionState, EngineClient } from './engine-client';
import { ErrorBanner } from './error-banner';
import { RegressionLab } from './labs/regression/regression-lab';
import { StatusBar } from './status-bar';

export interface EngineInfo {
  backend: BackendName | null;
  version: string | null;
  connection: ConnectionState;
}

/** The shell: engine handshake, status bar, error banner, and the (for now single) lab. */
export function App({ client }: { client: EngineClient }) {
  const [engine, setEngine] = useState<EngineInfo>({ backend: null, version: null, connection: 'connecting' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const offMessage = client.onMessage((m) => {
      if (m.type === 'ready') setEngine((e) => ({ ...e, backend: m.backend, version: m.version }));
      else if (m.type === 'runStarted') setEngine((e) => (e.backend === m.backend ? e : { ...e, backend: m.backend }));
    });
    // Say hello on every (re)connect: a restarted server has a fresh engine to ask. The engine
    // drops its run on a hello, so transports call this before sending anything they queued.
    const offConnection = client.onConnection((connection) => {
      setEngine((e) => ({ ...e, connection }));
      if (connection === 'open') client.send({ type: 'hello' });
    });
    return () => {
      offMessage();
      offConnection();
    };
  }, [client]);

  const reportError = useCallback((message: string | null) => setError(message), []);

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          Descent Lab <span className="lab-name">· regression</span>
        </h1>
        <p className="tagline">Watch optimizers walk down the least-squares bowl, side by side.</p>
      </header>
      {error && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      <main className="app-main">
        <RegressionLab client={client} connection={engine.connection} reportError={reportError} />
      </main>
      <StatusBar engine={engine} />
    </div>
  );
}
