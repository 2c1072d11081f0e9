// Loaded into Electron's own install.js (`node --import` this, then install.js, in Electron's
// package folder; fetch-electron.mjs does so): it gives @electron/get, which install.js calls, a
// progress callback, so the ~100 MB download shows how far it has got. install.js stays the one
// place that decides what to download and unpacks it; this adds one option to its call.
// (@electron/get's own bar needs stderr to be a terminal, and install.js's stderr is piped so
// that fetch-electron.mjs can say why a download failed.)
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { progressLine } from './progress-line.mjs';

// The @electron/get that install.js will require: resolved from its folder, the same module object.
const get = createRequire(join(process.cwd(), 'install.js'))('@electron/get');
const downloadArtifact = get.downloadArtifact;
get.downloadArtifact = (details) => {
  const line = progressLine(process.stdout, `descent-lab: downloading Electron ${details.version}`);
  const getProgressCallback = async ({ transferred, total }) => line.update(transferred, total);
  return downloadArtifact({ ...details, downloadOptions: { ...details.downloadOptions, getProgressCallback } }).finally(() => line.end());
};
