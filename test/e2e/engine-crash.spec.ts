/**
 * The engine process dies mid-run (we kill it): the window says so, a fresh engine takes over on
 * the same socket, the lab keeps its settings and what it drew, and Run works again.
 *
 * The test finds the engine by walking /proc: the children of *this* checkout's headless server
 * (playwright.config.ts starts `node dist/main/server.js --port N` here) that run
 * dist/main/engine/host.js. Matching the server's working directory keeps it from killing the
 * engines of another checkout's server on the same machine.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

const ROOT = path.resolve(__dirname, '../..');

interface Proc {
  pid: number;
  ppid: number;
  args: string[];
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // /proc/N/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after its ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(name), ppid, args });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** The engine processes of this checkout's headless server. */
function serverEngines(): number[] {
  const all = processes();
  const servers = all.filter((p) => p.args.some((a) => a.endsWith('dist/main/server.js')) && cwdOf(p.pid) === ROOT).map((p) => p.pid);
  if (servers.length === 0) throw new Error(`no headless server started from ${ROOT} is running`);
  return all.filter((p) => servers.includes(p.ppid) && p.args.some((a) => a.endsWith(path.join('dist/main/engine/host.js')))).map((p) => p.pid);
}

test.skip(process.platform !== 'linux', 'finds the engine process through /proc, which only Linux has');

test.describe('engine crash', () => {
  test('should say the engine restarted, keep the settings and the drawn lanes, and run again', async ({ lab }) => {
    const panel = inPanel(lab, 'regression');
    // Settings the user chose, which must survive the crash: a fourth lane, its rate, a seed, a slow pace.
    await panel.getByTestId('add-lane').click();
    await panel.getByTestId('lane-3-learningRate').fill('0.00003');
    await panel.getByTestId('seed').fill('7');
    await panel.getByTestId('max-iterations').fill('100000');
    await panel.getByTestId('speed').selectOption('60');
    await panel.getByTestId('run').click();
    await expect(panel.getByTestId('lane-status-3')).toHaveText('running');
    await expect.poll(() => numberIn(panel.getByTestId('iteration'))).toBeGreaterThanOrEqual(10);

    const engines = serverEngines();
    expect(engines.length, 'engine processes of this page (and of pages just closed)').toBeGreaterThanOrEqual(1);
    const reached = await numberIn(panel.getByTestId('iteration'));
    for (const pid of engines) process.kill(pid, 'SIGKILL');

    const notice = lab.getByTestId('engine-notice');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('The engine stopped unexpectedly (killed by SIGKILL) and was restarted');
    await expect(notice).toContainText('press Run to continue');
    await expect(lab.getByTestId('engine-restarts')).toHaveText(/restarted 1×/);
    // The fresh engine answered the page's hello.
    await expect(lab.getByTestId('backend')).toHaveText(/^(cpu|wasm|tensorflow)$/);
    expect(serverEngines().some((pid) => engines.includes(pid)), 'the killed engine is gone').toBe(false);

    // The run ended as stopped: Run is offered again, Pause and Stop are not.
    await expect(panel.getByTestId('run')).toBeEnabled();
    await expect(panel.getByTestId('pause')).toBeDisabled();
    await expect(panel.getByTestId('stop')).toBeDisabled();
    // What was drawn is still there: four lanes with their numbers, at least as far as they had got.
    await expect(panel.getByTestId('legend-lane')).toHaveCount(4);
    expect(await numberIn(panel.getByTestId('iteration'))).toBeGreaterThanOrEqual(reached);
    for (const i of [0, 1, 2, 3]) expect(Number.isFinite(await numberIn(panel.getByTestId(`lane-loss-${i}`))), `lane ${i} loss`).toBe(true);
    // And so are the settings.
    await expect(panel.getByTestId('lane-3-learningRate')).toHaveValue('0.00003');
    await expect(panel.getByTestId('seed')).toHaveValue('7');
    await expect(panel.getByTestId('max-iterations')).toHaveValue('100000');
    await expect(panel.getByTestId('speed')).toHaveValue('60');
    await expect(lab.getByTestId('error')).toHaveCount(0);
    await screenshot(lab, 'engine-restarted');

    // Reset acts on the page alone (the fresh engine never had this run): no "no run" error.
    await panel.getByTestId('reset').click();
    await expect(panel.getByTestId('iteration')).toHaveText('—');
    await expect(lab.getByTestId('error')).toHaveCount(0);

    // Run works again, and a run that starts takes the notice away.
    await panel.getByTestId('max-iterations').fill('200');
    await panel.getByTestId('speed').selectOption('0');
    await panel.getByTestId('run').click();
    await expect(notice).toHaveCount(0);
    for (const i of [0, 1, 2, 3]) await expect(panel.getByTestId(`lane-status-${i}`)).toHaveText(/done|diverged/, { timeout: 30_000 });
    await expect(panel.getByTestId('iteration')).toHaveText('200');
    await expect(lab.getByTestId('error')).toHaveCount(0);
    await screenshot(lab, 'engine-restarted-run-again');
  });

  test('should leave an engine that keeps dying stopped, say to reload, and stop reconnecting until the reload', async ({ lab }) => {
    const connection = lab.getByTestId('connection');
    await expect(connection).toHaveText('connected');
    // Every engine this server starts is killed as soon as it is seen: the connection's
    // budget (5 restarts a minute) runs out on the sixth death.
    const killed = new Set<number>();
    while (!(await connection.textContent())?.startsWith('engine stopped')) {
      for (const pid of serverEngines()) {
        if (killed.has(pid)) continue;
        killed.add(pid);
        process.kill(pid, 'SIGKILL');
      }
      await lab.waitForTimeout(50);
      expect(killed.size, 'engines killed before the server gave up').toBeLessThanOrEqual(12);
    }
    await expect(connection).toHaveText('engine stopped — reload the page to try again');
    await expect(lab.getByTestId('error')).toContainText('so it was left stopped. Reload the page to start a fresh one.');
    await expect(lab.getByTestId('engine-notice')).toHaveCount(0);
    await screenshot(lab, 'engine-stopped');
    // Past the client's first retry delay (0.5 s) nothing has reconnected, and no engine runs for it.
    await lab.waitForTimeout(1500);
    await expect(connection).toHaveText('engine stopped — reload the page to try again');
    expect(serverEngines()).toEqual([]);

    // A reload starts afresh.
    await lab.reload();
    await expect(lab.getByTestId('connection')).toHaveText('connected');
    await expect(lab.getByTestId('backend')).toHaveText(/^(cpu|wasm|tensorflow)$/);
    expect(serverEngines()).toHaveLength(1);
  });
});
