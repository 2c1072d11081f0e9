import type { Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dragFile, expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

async function openSpread(page: Page): Promise<Locator> {
  await page.getByTestId('tab-spread').click();
  const lab = inPanel(page, 'spread');
  await expect(lab.getByTestId('sphere-view')).toBeVisible();
  return lab;
}

/** Keeps the first `keep` lanes, removing the rest from the end. */
async function keepLanes(lab: Locator, keep: number): Promise<void> {
  for (let i = (await lab.locator('.lane-row').count()) - 1; i >= keep; i--) await lab.getByTestId(`lane-remove-${i}`).click();
}

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

test.describe('spread lab', () => {
  test('should spread two lanes from one start to the icosahedron on the 3-D sphere', async ({ lab: page }) => {
    const lab = await openSpread(page);
    await lab.getByTestId('preset-12-3').click();
    await keepLanes(lab, 4);
    // Lanes 0 (min angle) and 3 (Coulomb) of the defaults; drop the two in between.
    await lab.getByTestId('lane-remove-2').click();
    await lab.getByTestId('lane-remove-1').click();
    await setField(lab, 'max-iterations', '1500');
    const sphere = lab.getByTestId('sphere-canvas');
    const before = await sphere.screenshot();
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 1500', { timeout: 60_000 });
    const rows = lab.getByTestId('spread-readout-row');
    await expect(rows).toHaveCount(2);
    // The icosahedron: every nearest neighbour at 63.435°, Coulomb energy 49.165253058.
    expect(await numberIn(rows.nth(1).getByTestId('min-angle'))).toBeCloseTo(63.435, 1);
    expect(await numberIn(rows.nth(1).getByTestId('energy'))).toBeCloseTo(49.1653, 2);
    expect(await numberIn(rows.nth(0).getByTestId('min-angle'))).toBeGreaterThan(63.3);
    await expect(lab.getByTestId('spread-reference')).toContainText('49.165253058');
    expect(Buffer.compare(before, await sphere.screenshot())).not.toBe(0);
    await expect(lab.getByTestId('sphere-caption')).toHaveCount(2);
    await lab.getByTestId('show-edges').check();
    await lab.getByTestId('show-forces').check();
    await screenshot(page, 'spread-icosahedron');
  });

  test('should show a projection and the angle histogram in 32 dimensions', async ({ lab: page }) => {
    const lab = await openSpread(page);
    await lab.getByTestId('preset-64-32').click();
    await keepLanes(lab, 2);
    await setField(lab, 'max-iterations', '300');
    await expect(lab.getByText('32-D, projected')).toBeVisible();
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 300', { timeout: 60_000 });
    await expect(lab.getByTestId('angle-histogram')).toBeVisible();
    // 64 random unit vectors in 32-D sit about 60–70° apart at worst; spreading lifts the minimum.
    const rows = lab.getByTestId('spread-readout-row');
    expect(await numberIn(rows.nth(0).getByTestId('min-angle'))).toBeGreaterThan(75);
    await screenshot(page, 'spread-32d');
  });

  test('should export a lane as CSV with one row per vector, after its run card', async ({ lab: page }) => {
    const lab = await openSpread(page);
    await lab.getByTestId('preset-4-3').click();
    await keepLanes(lab, 1);
    await setField(lab, 'max-iterations', '20');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 20', { timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), lab.getByTestId('export-csv').click()]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    // The lane, its iteration and the run card first, as comment lines.
    const card = lines.filter((l) => l.startsWith('# '));
    expect(card).toContainEqual('# iteration: 20');
    expect(card).toContainEqual('# lab: spread');
    expect(card).toContainEqual(expect.stringMatching(/^# problem: \{"n":4,"dim":3/));
    const text = lines.filter((l) => !l.startsWith('#'));
    expect(text[0]).toBe('x1,x2,x3');
    expect(text).toHaveLength(5);
    for (const row of text.slice(1)) {
      const v = row.split(',').map(Number);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    const [png] = await Promise.all([page.waitForEvent('download'), lab.getByTestId('export-png').click()]);
    expect(readFileSync(await png.path()).subarray(1, 4).toString()).toBe('PNG');
  });

  test('should start every lane from a dropped file of vectors, and refuse a bad one', async ({ lab: page }) => {
    const lab = await openSpread(page);
    await keepLanes(lab, 1);
    // Four vectors bunched near the north pole, not quite symmetric (a symmetric square would
    // stay on its great circle): spreading them must find the tetrahedron.
    const json = JSON.stringify([
      [0.1, 0.02, 1],
      [0.01, 0.1, 1],
      [-0.1, 0.03, 1],
      [0.02, -0.1, 0.9],
    ]);
    await dragFile(page, 'dragenter', 'start.json', json);
    await dragFile(page, 'drop', 'start.json', json);
    await expect(lab.getByTestId('spread-start')).toContainText('Start: start.json (4 × 3)');
    await expect(lab.getByTestId('spread-n')).toHaveValue('4');
    await expect(lab.getByTestId('spread-dim')).toHaveValue('3');
    const max = lab.getByTestId('max-iterations');
    await max.fill('600');
    await max.press('Enter');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 600', { timeout: 60_000 });
    expect(await numberIn(lab.getByTestId('min-angle').first())).toBeCloseTo(109.4712, 1);

    await dragFile(page, 'dragenter', 'ragged.csv', '1,2,3\n4,5\n');
    await dragFile(page, 'drop', 'ragged.csv', '1,2,3\n4,5\n');
    await expect(page.getByTestId('error')).toContainText('Could not use ragged.csv');
    await expect(lab.getByTestId('spread-start')).toContainText('start.json');
  });

  test('should refuse a problem too large for memory with a clear message', async ({ lab: page }) => {
    const lab = await openSpread(page);
    await setField(lab, 'spread-n', '4096');
    await setField(lab, 'spread-dim', '1024');
    await expect(lab.getByTestId('spread-size-problem')).toContainText('over the limit');
    await lab.getByTestId('run').click();
    await expect(page.getByTestId('error')).toContainText('over the limit');
    await expect(lab.getByTestId('spread-readout-row')).toHaveCount(0);
  });

  test('should keep each lab’s run when switching tabs, and send keys to the lab shown', async ({ lab: page }) => {
    const regression = inPanel(page, 'regression');
    await regression.getByTestId('run').click();
    await expect(regression.getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
    const lab = await openSpread(page);
    await lab.getByTestId('preset-4-3').click();
    await keepLanes(lab, 1);
    await page.keyboard.press('ArrowRight'); // a step in the lab shown only
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 1');
    await page.keyboard.press('Control+1');
    await expect(regression.getByTestId('iteration')).toHaveText('50');
    await expect(regression).toBeVisible();
    await expect(lab).toBeHidden();
  });
});
