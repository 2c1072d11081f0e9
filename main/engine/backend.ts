/**
 * Which TensorFlow.js backend runs. The native packages (tfjs-node-gpu, tfjs-node) are optional
 * dependencies that download libtensorflow at install time; where that failed they are simply
 * absent. Each lab runs on the fastest backend that loads here, in its measured order, unless
 * DESCENT_BACKEND (or --backend) forces one.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, isBackendName, type BackendName, type LabName } from '../protocol/limits';

// A variable specifier keeps bundlers from resolving optional native packages at build time.
// import() caches modules, so asking again for a backend already loaded costs nothing.
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

/** Loads and switches to one backend; false if it is not available here. */
async function activate(name: BackendName): Promise<boolean> {
  if (!(await loaders[name]()) || !(await tf.setBackend(name).catch(() => false))) return false;
  await tf.ready();
  return true;
}

/** Switches to the named backend; throws if the name is unknown or it cannot load here. */
export async function selectBackend(name: string): Promise<BackendName> {
  if (!isBackendName(name)) throw new RangeError(`unknown backend "${name}" (choose ${BACKEND_NAMES.join(', ')})`);
  if (!(await activate(name))) throw new Error(`backend "${name}" is not available on this machine`);
  return name;
}

/**
 * Which backend each lab runs on when none is forced, fastest first, as measured by
 * `npm run bench`. Regression steps are a dozen ops on 150 numbers, so per-op dispatch cost
 * decides: tfjs's plain-JS cpu kernels beat wasm's marshalled calls there (2-core x64:
 * 1-lane Adam ≈ 9,100 it/s on cpu vs ≈ 7,100 on wasm). Native libtensorflow stays first.
 */
export const LAB_BACKEND_PREFERENCE: Record<LabName, readonly BackendName[]> = {
  regression: ['tensorflow', 'cpu', 'wasm'],
  spread: ['tensorflow', 'wasm', 'cpu'],
  // An input gradient of MobileNet: ≈ 0.13 s on wasm against ≈ 2.3 s on cpu (npm run bench).
  adversarial: ['tensorflow', 'wasm', 'cpu'],
  // A step is a dozen ops on two numbers a lane: dispatch cost decides, as for regression.
  surface: ['tensorflow', 'cpu', 'wasm'],
};

/**
 * Switches to the lab's preferred backend among those that load here, or to the forced one.
 * Returns the backend the lab will run on. Backends are initialised once; switching later is
 * immediate.
 */
export async function useBackendFor(lab: LabName, forced: string | undefined = process.env.DESCENT_BACKEND): Promise<BackendName> {
  if (forced) return selectBackend(forced);
  for (const name of LAB_BACKEND_PREFERENCE[lab]) if (await activate(name)) return name;
  throw new Error('no TensorFlow.js backend could be initialised');
}

/**
 * The backend a lab would run on, without switching this thread's (a run of another lab may be
 * using it): what the Adversarial lab's worker threads select for themselves.
 */
export async function backendFor(lab: LabName, forced: string | undefined = process.env.DESCENT_BACKEND): Promise<BackendName> {
  if (forced) {
    if (!isBackendName(forced)) throw new RangeError(`unknown backend "${forced}" (choose ${BACKEND_NAMES.join(', ')})`);
    if (!(await loaders[forced]())) throw new Error(`backend "${forced}" is not available on this machine`);
    return forced;
  }
  for (const name of LAB_BACKEND_PREFERENCE[lab]) if (await loaders[name]()) return name;
  throw new Error('no TensorFlow.js backend could be initialised');
}
