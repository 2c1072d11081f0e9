/**
 * Picks the TensorFlow.js backend once, at engine start: the fastest that loads, unless
 * DESCENT_BACKEND (or an explicit choice) forces one. The native packages are optional
 * dependencies that download libtensorflow at install time; where that failed they are simply
 * absent, and we fall back to wasm, then cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, type BackendName } from '../protocol/messages';

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

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

let quietedWarning = false;

/** Selects and initialises a backend; throws if a forced one cannot load. */
export async function selectBackend(forced: string | undefined = process.env.DESCENT_BACKEND): Promise<BackendName> {
  if (!quietedWarning) {
    // tfjs prints a banner recommending tfjs-node when it is missing; we report the backend ourselves.
    tf.env().set('IS_TEST', true);
    quietedWarning = true;
  }
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

export function currentBackend(): BackendName {
  const name = tf.getBackend();
  if (!isBackendName(name)) throw new Error(`unexpected backend ${name}`);
  return name;
}
