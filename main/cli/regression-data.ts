/** The Regression lab's data options, shared by `descent regression` and `descent sweep regression`: --csv FILE (default: the built-in data), --x COL, --y COL. */
import { readFileSync } from 'node:fs';
import type { Dataset } from '../protocol/messages';
import { parseCsvDataset } from '../engine/csv-dataset';
import { defaultDatasetPath } from '../engine/default-data';
import { UsageError } from './args';

export function readDatasetOptions(csv: string | undefined, x: string | undefined, y: string | undefined): { path: string; dataset: Dataset } {
  const path = csv ?? defaultDatasetPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return { path, dataset: parseCsvDataset(text, { name: path, xColumn: x, yColumn: y }) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
