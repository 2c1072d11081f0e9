import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The built-in 150-man sample (assets/data/adult-men-150.csv). Looked up relative to the
 * bundle (dist/main/... in the app and the server) and to the source (main/engine in tests).
 */
export function defaultDatasetPath(): string {
  const candidates = [
    join(__dirname, '../../assets/data/adult-men-150.csv'),
    join(__dirname, '../../../assets/data/adult-men-150.csv'),
    join(process.cwd(), 'assets/data/adult-men-150.csv'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('the built-in data set (assets/data/adult-men-150.csv) is missing from this install');
  return found;
}
