/**
 * `npm start`'s Electron download shows its progress: the line it rewrites, and the hook that
 * hands install.js's @electron/get the callback (run here against a stand-in install.js and
 * @electron/get, since nothing can be downloaded).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { progressLine } from '../../../scripts/progress-line.mjs';

const terminal = (isTTY = true) => {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (t: string) => writes.push(t) } };
};

describe('the progress line', () => {
  it('should rewrite one line on each whole percent, however many events come, and end it', () => {
    const { writes, stream } = terminal();
    const line = progressLine(stream, 'Electron');
    const total = 105_000_000;
    for (let i = 0; i <= 10_000; i++) line.update(Math.round((total * i) / 10_000), total);
    line.end();
    expect(writes).toHaveLength(101 + 1);
    expect(writes[0]).toBe('\rElectron: 0% of 105 MB');
    expect(writes[37]).toBe('\rElectron: 37% of 105 MB');
    expect(writes.slice(-2)).toEqual(['\rElectron: 100% of 105 MB', '\n']);
  });

  it('should count megabytes when the size is unknown', () => {
    const { writes, stream } = terminal();
    const line = progressLine(stream, 'E');
    for (let b = 0; b <= 3_000_000; b += 250_000) line.update(b, undefined);
    expect(writes).toEqual(['\rE: 0 MB', '\rE: 1 MB', '\rE: 2 MB', '\rE: 3 MB']);
  });

  it('should print nothing where the output is not a terminal, and no newline for a line never begun', () => {
    const { writes, stream } = terminal(false);
    const line = progressLine(stream, 'E');
    line.update(5, 10);
    line.end();
    expect(writes).toEqual([]);
  });
});

describe('the install.js hook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-electron-get-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should add a progress callback to install.js's @electron/get call and keep its other options", () => {
    // Stand-ins: install.js destructures downloadArtifact at load, as Electron's does.
    const get = join(dir, 'node_modules/@electron/get');
    mkdirSync(get, { recursive: true });
    writeFileSync(join(get, 'package.json'), '{"name":"@electron/get","main":"index.js"}');
    writeFileSync(
      join(get, 'index.js'),
      `exports.downloadArtifact = async (d) => {
        await d.downloadOptions.getProgressCallback({ transferred: 1, total: 2, percent: 0.5 });
        return { version: d.version, checksums: d.checksums, keep: d.downloadOptions.keep, callback: typeof d.downloadOptions.getProgressCallback };
      };`,
    );
    writeFileSync(
      join(dir, 'install.js'),
      `const { downloadArtifact } = require('@electron/get');
      downloadArtifact({ version: '41.7.1', checksums: { a: 'b' }, downloadOptions: { keep: 1 } }).then((r) => console.log(JSON.stringify(r)));`,
    );
    const hook = pathToFileURL(resolve(__dirname, '../../../scripts/electron-download-progress.mjs')).href;
    // stdout is a pipe here, not a terminal: the line prints nothing, and only the result shows.
    const out = execFileSync(process.execPath, ['--import', hook, 'install.js'], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ version: '41.7.1', checksums: { a: 'b' }, keep: 1, callback: 'function' });
  });
});
