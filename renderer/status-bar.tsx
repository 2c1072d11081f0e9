import type { EngineInfo } from './app';

const CONNECTION_TEXT = {
  connecting: 'connecting…',
  open: 'connected',
  closed: 'disconnected — reconnecting…',
  stopped: 'engine stopped — reload the page to try again',
} as const;

export function StatusBar({ engine }: { engine: EngineInfo }) {
  return (
    <footer className="status-bar">
      <span>
        engine: <b data-testid="backend">{engine.backend ?? '…'}</b>
        {engine.version && <span className="muted"> v{engine.version}</span>}
        {engine.restarts > 0 && (
          <span className="muted" data-testid="engine-restarts" title="The engine process stopped and was replaced">
            {' '}
            · restarted {engine.restarts}×
          </span>
        )}
      </span>
      <span className={`connection connection-${engine.connection}`} data-testid="connection">
        {CONNECTION_TEXT[engine.connection]}
      </span>
      <span className="muted status-keys">Space run/pause · → step · R reset</span>
    </footer>
  );
}
