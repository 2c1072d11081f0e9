/**
 * Learning-rate schedules in the window: set per lane, run by the engine, drawn in the strip
 * under each lab's loss chart, exported per iteration and kept by sessions.
 */
import type { Download, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expect, inPanel, screenshot, test } from './lab-fixture';

async function saved(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return readFileSync(await download.path());
}

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

/** CSV rows (after the run card's comment lines) as objects keyed by the header. */
function csvRows(bytes: Buffer): Record<string, string>[] {
  const [head, ...rows] = bytes.toString('utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
  const keys = head!.split(',');
  // Labels hold commas ("Adam (lr 0.1, warm-up 5, step)"), quoted: read the numbers from the end.
  return rows.map((r) => {
    const cells = r.split(',');
    const numbers = cells.slice(cells.length - (keys.length - 1));
    return Object.fromEntries([['lane', cells.slice(0, cells.length - numbers.length).join(',')], ...keys.slice(1).map((k, i) => [k, numbers[i]!])]);
  });
}

test.describe('learning-rate schedules', () => {
  // Runs of a few hundred to 2,000 iterations on a shared 2-core machine.
  test.describe.configure({ timeout: 180_000 });

  test('should run a regression lane on step decay after a warm-up, draw its rate and export it per iteration', async ({ lab: page }) => {
    const lab = inPanel(page, 'regression');
    await lab.getByTestId('normalize').check();
    // Lane 3 (Adam, lr 0.1): 5 warm-up steps, then halved every 10.
    await lab.getByTestId('lane-schedule-2').selectOption('step');
    await setField(lab, 'lane-2-warmup', '5');
    await setField(lab, 'lane-2-stepSize', '10');
    await setField(lab, 'lane-2-gamma', '0.5');
    await setField(lab, 'max-iterations', '50');
    await lab.getByTestId('speed').selectOption('0');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('50', { timeout: 30_000 });
    await expect(lab.getByTestId('rate-strip-host')).toHaveAttribute('aria-label', /rate per iteration: .*Adam \(lr 0\.1, warm-up 5, step\) 0\.00625 at iteration 50/);
    await screenshot(page, 'schedules-regression');

    const rows = csvRows(await saved(page, () => lab.getByTestId('export-history-csv').click())).filter((r) => r.lane!.includes('warm-up 5'));
    expect(rows).toHaveLength(51);
    // Worked out by hand: 0.1·(t + 1)/5 for t < 5, then 0.1·0.5^⌊(t − 5)/10⌋.
    const expected = (t: number) => (t < 5 ? (0.1 * (t + 1)) / 5 : 0.1 * 0.5 ** Math.floor((t - 5) / 10));
    for (const t of [0, 1, 4, 5, 14, 15, 25, 45, 50]) expect(Number(rows[t]!.learningRate)).toBeCloseTo(expected(t), 12);
    // The other lanes keep their rate.
    const gd = csvRows(await saved(page, () => lab.getByTestId('export-history-csv').click())).filter((r) => r.lane!.startsWith('"Gradient descent') || r.lane!.startsWith('Gradient descent'));
    expect(new Set(gd.map((r) => r.learningRate))).toEqual(new Set(['0.00002']));
  });

  test('should race a cosine lane against a constant one on the Surface lab, the strip showing both rates', async ({ lab: page }) => {
    await page.keyboard.press('Control+4');
    const lab = inPanel(page, 'surface');
    await expect(lab.getByText(/f = \(1\.5 - x/)).toBeVisible();
    await lab.getByTestId('surface-function').selectOption('rosenbrock');
    for (let i = (await lab.locator('.lane-row').count()) - 1; i >= 2; i--) await lab.getByTestId(`lane-remove-${i}`).click();
    await lab.getByTestId('lane-optimizer-1').selectOption('adam');
    await setField(lab, 'lane-1-learningRate', '0.05');
    await lab.getByTestId('lane-schedule-1').selectOption('cosine');
    await setField(lab, 'lane-1-period', '1500');
    await setField(lab, 'lane-1-floor', '0.01');
    await setField(lab, 'max-iterations', '2000');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('2000', { timeout: 60_000 });
    // After its period the cosine lane sits at its floor: 0.05 × 0.01.
    await expect(lab.getByTestId('surface-rate-strip-host')).toHaveAttribute('aria-label', /Adam \(lr 0\.05, cosine\) 0\.0005 at iteration 2000/);
    await screenshot(page, 'schedules-surface');
  });

  test('should cool the Spread lab\u2019s softened lanes by a schedule shown in the lane, and keep schedules in a session', async ({ lab: page }) => {
    await page.keyboard.press('Control+2');
    const lab = inPanel(page, 'spread');
    // Max min angle (softened) cools by default; the Coulomb lane keeps its rate.
    await expect(lab.getByTestId('lane-schedule-0')).toHaveValue('exponential');
    await expect(lab.getByTestId('lane-0-decayRate')).toHaveValue('0.998');
    await expect(lab.getByTestId('lane-schedule-3')).toHaveValue('constant');
    // Soften the Coulomb lane's loss to the min angle: it takes the cooling too.
    await lab.getByTestId('lane-loss-3').selectOption('min-angle');
    await expect(lab.getByTestId('lane-schedule-3')).toHaveValue('exponential');
    await setField(lab, 'lane-1-warmup', '20');
    await setField(lab, 'max-iterations', '300');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 300', { timeout: 60_000 });
    await expect(lab.getByTestId('spread-rate-strip-host')).toHaveAttribute('aria-label', new RegExp(`Max min angle · Adam \\(lr 0\\.01, exponential\\) ${String(Number((0.01 * 0.998 ** 300).toPrecision(6))).replace('.', '\\.')} at iteration 300`));
    await screenshot(page, 'schedules-spread');

    // Save the session, change the lane, open the session again: the schedule comes back.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-session').click()]);
    const file = await download.path();
    await lab.getByTestId('lane-schedule-1').selectOption('constant');
    await expect(lab.getByTestId('lane-1-warmup')).toHaveValue('20');
    await page.getByTestId('session-input').setInputFiles(file);
    await expect(lab.getByTestId('lane-schedule-1')).toHaveValue('exponential');
    await expect(lab.getByTestId('lane-1-warmup')).toHaveValue('20');
  });

  test('should find a learning rate for a regression lane, show loss against rate with the suggestion, and use it in one click', async ({ lab: page }) => {
    const lab = inPanel(page, 'regression');
    await lab.getByTestId('normalize').check();
    await lab.getByTestId('lane-find-rate-0').click();
    const finder = page.getByTestId('lr-finder');
    await expect(finder.getByTestId('lr-finder-suggested')).toContainText('Suggested learning rate', { timeout: 60_000 });
    const suggested = Number(await finder.getByTestId('lr-finder-suggested').getAttribute('data-value'));
    // Gradient descent on the standardised data: curvature 2, so the ideal rate is 0.5 and 1 blows up.
    expect(suggested).toBeGreaterThan(0.5 / 3);
    expect(suggested).toBeLessThan(1);
    await expect(finder.locator('.finder-chart')).toHaveAttribute('aria-label', /^Loss against learning rate over \d+ steps from 1\.0000e-7 to [\d.]+; suggested 0\.\d+$/);
    await screenshot(page, 'lr-finder-regression');
    await finder.getByTestId('lr-finder-use').click();
    await expect(finder).toHaveCount(0);
    await expect(lab.getByTestId('lane-0-learningRate')).toHaveValue(String(Number(suggested.toPrecision(3))));
    // The lane now converges at that rate in a handful of steps.
    await setField(lab, 'max-iterations', '10');
    await lab.getByTestId('speed').selectOption('0');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('10', { timeout: 30_000 });
    await screenshot(page, 'lr-finder-regression-used');
  });

  test('should find a rate on the Surface and Spread labs too', async ({ lab: page }) => {
    await page.keyboard.press('Control+4');
    const surface = inPanel(page, 'surface');
    await expect(surface.getByText(/f = \(1\.5 - x/)).toBeVisible();
    await surface.getByTestId('lane-find-rate-0').click();
    await expect(page.getByTestId('lr-finder-suggested')).toContainText(/Suggested learning rate|No suggestion/, { timeout: 60_000 });
    await screenshot(page, 'lr-finder-surface');
    await page.getByTestId('lr-finder-close').click();
    await page.keyboard.press('Control+2');
    const spread = inPanel(page, 'spread');
    await spread.getByTestId('lane-find-rate-3').click();
    await expect(page.getByTestId('lr-finder-suggested')).toContainText(/Suggested learning rate|No suggestion/, { timeout: 90_000 });
    await screenshot(page, 'lr-finder-spread');
    await page.getByTestId('lr-finder-close').click();
    await expect(page.getByTestId('lr-finder')).toHaveCount(0);
  });
});
