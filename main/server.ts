/**
 * `npm run serve` entry: the headless server (main/headless-server.ts) on 127.0.0.1:8787
 * unless --host/--port say otherwise.
 */
import { parseArgs } from 'node:util';
import { startServer } from './headless-server';
import { BACKEND_NAMES, isBackendName } from './protocol/limits';

{
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8787' },
        backend: { type: 'string' },
      },
    }));
  } catch (e) {
    console.error(`descent-serve: ${(e as Error).message}`);
    process.exit(2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`descent-serve: --port must be 0-65535, got ${values.port}`);
    process.exit(2);
  }
  if (values.backend !== undefined && !isBackendName(values.backend)) {
    console.error(`descent-serve: unknown backend "${values.backend}" (choose ${BACKEND_NAMES.join(', ')})`);
    process.exit(2);
  }
  startServer({ host: values.host!, port, backend: values.backend }).then(
    (s) => console.log(`Descent Lab at ${s.url} (engine over WebSocket at /ws)`),
    (e: Error) => {
      console.error(`descent-serve: ${e.message}`);
      process.exit(1);
    },
  );
}
