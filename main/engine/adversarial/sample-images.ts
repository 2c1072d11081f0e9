/**
 * The sample photos that ship with the app (assets/samples: a cat and a dog, credited in
 * assets/samples/CREDITS.txt), so the Adversarial lab has something to attack on first open.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { shippedPath } from '../shipped-files';

export interface SampleImage {
  name: string;
  bytes: Uint8Array;
}

const PHOTO = /\.(jpe?g|png)$/i;

export async function sampleImages(): Promise<SampleImage[]> {
  const dir = dirname(shippedPath('assets/samples/CREDITS.txt', 'the sample photos'));
  const names = (await readdir(dir)).filter((n) => PHOTO.test(n)).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(dir, name))) })));
}
