/**
 * The backends a benchmark section measures: each one that loads here, switched to in turn, or
 * only those DESCENT_BENCH_BACKENDS lists (comma-separated, e.g. "wasm": the cpu backend's
 * attack figures alone take a minute).
 */
import { selectBackend } from '../main/engine/backend';
import { BACKEND_NAMES, type BackendName } from '../main/protocol/limits';

export async function* availableBackends(): AsyncGenerator<BackendName> {
  const only = process.env.DESCENT_BENCH_BACKENDS?.split(',').map((s) => s.trim());
  for (const name of BACKEND_NAMES) {
    if (only && !only.includes(name)) continue;
    try {
      await selectBackend(name);
    } catch {
      console.log(`  ${name.padEnd(10)} not available here`);
      continue;
    }
    yield name;
  }
}
