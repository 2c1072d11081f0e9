import { shippedPath } from './shipped-files';

/** The built-in 150-man sample, assets/data/adult-men-150.csv. */
export function defaultDatasetPath(): string {
  return shippedPath('assets/data/adult-men-150.csv', 'the built-in data set');
}
