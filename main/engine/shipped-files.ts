import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A file that ships with the app (under assets/ or models/), by its path from the app's root:
 * looked up from the bundle (dist/main/… in the app and the server), from the source
 * (main/engine/…, in tests) and from the working directory. `what` names it in the error.
 */
export function shippedPath(relative: string, what: string): string {
  const roots = [join(__dirname, '../..'), join(__dirname, '../../..'), process.cwd()];
  const found = roots.map((root) => join(root, relative)).find((p) => existsSync(p));
  if (!found) throw new Error(`${what} (${relative}) is not in this install`);
  return found;
}
