/**
 * `npm run serve` entry: the headless server (main/headless-server.ts) on 127.0.0.1:8787
 * unless --host/--port say otherwise. It prints the address with its token (random unless
 * --token sets one), as Jupyter does, and serves HTTPS and WSS given --tls-cert and --tls-key.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isValidToken, TOKEN_RULE } from './access-token';
import { isLoopback, startServer, type ServerOptions } from './headless-server';
import { BACKEND_NAMES, isBackendName } from './protocol/limits';

function fail(message: string): never {
  console.error(`descent-serve: ${message}`);
  process.exit(2);
}

{
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8787' },
        backend: { type: 'string' },
        token: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, got ${values.port}`);
  if (values.backend !== undefined && !isBackendName(values.backend)) {
    fail(`unknown backend "${values.backend}" (choose ${BACKEND_NAMES.join(', ')})`);
  }
  if (values.token !== undefined && !isValidToken(values.token)) fail(`--token must be ${TOKEN_RULE}`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) fail('--tls-cert and --tls-key go together');
  let tls: ServerOptions['tls'];
  if (values['tls-cert'] !== undefined && values['tls-key'] !== undefined) {
    try {
      tls = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
    } catch (e) {
      fail((e as Error).message);
    }
  }
  const host = values.host!;
  startServer({ host, port, backend: values.backend, token: values.token, tls }).then(
    (s) => {
      // The warning first: the address, the line to copy, stays the last one.
      if (!isLoopback(host)) {
        console.warn(
          `descent-serve: warning: listening on ${host}, which other machines can reach. Whoever has the token can use ` +
            `this machine's engine: keep it secret.${tls ? '' : ' Without --tls-cert/--tls-key the token and your data cross the network unencrypted.'}`,
        );
      }
      console.log(`Descent Lab at ${s.openUrl} (engine over WebSocket at /ws; scripts add ?token=${s.token})`);
    },
    (e: Error) => {
      console.error(`descent-serve: ${e.message}`);
      process.exit(1);
    },
  );
}
