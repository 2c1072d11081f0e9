/** The backends a benchmark section measures: each one that loads here, switched to in turn. */
import { selectBackend } from '../main/engine/backend';
import { BACKEND_NAMES, type BackendName } from '../main/protocol/limits';

export async function* availableBackends(): AsyncGenerator<BackendName> {
  for (const name of BACKEND_NAMES) {
    try {
      await selectBackend(name);
    } catch {
      console.log(`  ${name.padEnd(10)} not available here`);
      continue;
    }
    yield name;
  }
}
