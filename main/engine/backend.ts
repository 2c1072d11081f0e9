/**
 * Picks the TensorFlow.js backend once, at engine start: the fastest that loads, unless
 * DESCENT_BACKEND (or an explicit choice) forces one. The native packages are optional
 * dependencies that download libtensorflow at install time; where that failed they are simply
 * absent, and we fall back to wasm, then cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, isBackendName, type BackendName, type LabName } from '../protocol/limits';

// A variable specifier keeps bundlers from resolving optional native packages at build time.
async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

const loaders: Record<BackendName, () => Promise<boolean>> = {
  async tensorflow() {
    if (tf.findBackend('tensorflow')) return true;
    return (await tryImport('@tensorflow/tfjs-node-gpu')) || (await tryImport('@tensorflow/tfjs-node'));
  },
  async wasm() {
    return tryImport('@tensorflow/tfjs-backend-wasm');
  },
  async cpu() {
    return true; // registered by @tensorflow/tfjs itself
  },
};

// Production mode: no debug checks, and no banner recommending tfjs-node (we report the
// backend ourselves). Not IS_TEST, which would also check every kernel for leaks.
tf.enableProdMode();

/** Selects and initialises a backend; throws if a forced one cannot load. */
export async function selectBackend(forced: string | undefined = process.env.DESCENT_BACKEND): Promise<BackendName> {
  if (forced) {
    if (!isBackendName(forced)) {
      throw new RangeError(`unknown backend "${forced}" (choose ${BACKEND_NAMES.join(', ')})`);
    }
    if (!(await loaders[forced]()) || !(await tf.setBackend(forced))) {
      throw new Error(`backend "${forced}" is not available on this machine`);
    }
    await tf.ready();
    return forced;
  }
  for (const name of BACKEND_NAMES) {
    if ((await loaders[name]()) && (await tf.setBackend(name).catch(() => false))) {
      await tf.ready();
      return name;
    }
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

/**
 * Which backend each lab runs on when none is forced, fastest first, as measured by
 * `npm run bench`. Regression steps are a dozen ops on 150 numbers, so per-op dispatch cost
 * decides: tfjs's plain-JS cpu kernels beat wasm's marshalled calls there (2-core x64:
 * 1-lane Adam ≈ 9,100 it/s on cpu vs ≈ 7,100 on wasm). Native libtensorflow stays first.
 */
export const LAB_BACKEND_PREFERENCE: Record<LabName, readonly BackendName[]> = {
  regression: ['tensorflow', 'cpu', 'wasm'],
};

const loaded = new Set<BackendName>();

/**
 * Switches to the lab's preferred backend among those that load here, unless one was forced.
 * Returns the backend the lab will run on. Backends are initialised once; switching later is
 * immediate.
 */
export async function useBackendFor(lab: LabName, forced: string | undefined = process.env.DESCENT_BACKEND): Promise<BackendName> {
  if (forced) return selectBackend(forced);
  for (const name of LAB_BACKEND_PREFERENCE[lab]) {
    if (!loaded.has(name)) {
      if (!(await loaders[name]())) continue;
      loaded.add(name);
    }
    if (await tf.setBackend(name).catch(() => false)) {
      await tf.ready();
      return name;
    }
  }
  return selectBackend();
}
