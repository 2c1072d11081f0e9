/**
 * A sweep in the Spread lab, end to end: the Coulomb energy of 12 points swept over Adam's
 * learning rate, the heatmap with its best cell, and a click that races that cell as a lane
 * which ends on the cell's energy (the icosahedron's); the sweep saved in a session and shown
 * again when it is opened; SGD with its batch size held; a problem
 * over N·D = 4,096 is refused beside the fields.
 */
import type { Locator } from '@playwright/test';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

test.describe('spread sweeps', () => {
  test.describe.configure({ timeout: 120_000 });
  test('should sweep Adam on the Coulomb energy of 12 points, then race the best cell to the energy the cell said', async ({ lab: page }) => {
    await page.getByTestId('tab-spread').click();
    const lab = inPanel(page, 'spread');
    await expect(lab.getByTestId('sphere-view')).toBeVisible();
    await lab.getByTestId('preset-12-3').click();
    for (let i = (await lab.locator('.lane-row').count()) - 1; i >= 1; i--) await lab.getByTestId(`lane-remove-${i}`).click();
    await setField(lab, 'max-iterations', '200');
    const panel = lab.getByTestId('sweep-panel');
    await panel.locator('summary').click();
    await expect(panel.getByTestId('sweep-loss')).toHaveValue('coulomb');
    await setField(panel, 'sweep-axis1-lo', '0.001');
    await setField(panel, 'sweep-axis1-hi', '0.3');
    await setField(panel, 'sweep-axis1-cells', '8');
    await panel.getByTestId('sweep-run').click();
    await expect(panel.getByTestId('sweep-rate')).toContainText('8 cells', { timeout: 60_000 });
    const canvas = panel.getByTestId('sweep-heatmap-canvas');
    const best = Number(await canvas.getAttribute('data-best'));
    const bestLoss = await numberIn(canvas, 'data-best-loss');
    expect(bestLoss).toBeCloseTo(49.165253, 4); // the icosahedron's Thomson energy
    await expect(panel.getByTestId('sweep-heatmap-hover')).toContainText('best: learningRate');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'spread-sweep-heatmap');

    // The best cell joins the lanes (Coulomb, Adam at the cell's rate) and the run starts.
    const lanesBefore = await lab.locator('.lane-row').count();
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: ((best + 0.5) / 8) * box.width, y: box.height / 2 } });
    await expect(lab.locator('.lane-row')).toHaveCount(lanesBefore + 1);
    await expect(lab.getByTestId(`lane-loss-${lanesBefore}`)).toHaveValue('coulomb');
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 200', { timeout: 60_000 });
    const energy = await numberIn(lab.getByTestId('spread-readout-row').nth(lanesBefore).getByTestId('energy'));
    expect(Math.abs(energy - bestLoss)).toBeLessThanOrEqual(1e-6 * bestLoss);
    await screenshot(page, 'spread-sweep-cell-raced');

    // The sweep is kept in the session: saved, reloaded, opened, its heatmap is back (closed panel opened).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-session').click()]);
    const file = await download.path();
    await page.reload();
    await expect(inPanel(page, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
    await expect(panel.getByTestId('sweep-heatmap-canvas')).toHaveCount(0);
    await page.getByTestId('session-input').setInputFiles(file);
    await expect(page.getByTestId('engine-notice')).toContainText('Opened');
    await expect(canvas).toBeVisible();
    expect(Number(await canvas.getAttribute('data-best'))).toBe(best);
    expect(await numberIn(canvas, 'data-best-loss')).toBe(bestLoss);
    await expect(panel.getByTestId('sweep-axis1-cells')).toHaveValue('8');
    await expect(panel.getByTestId('sweep-loss')).toHaveValue('coulomb');
    await panel.getByTestId('sweep-rate').scrollIntoViewIfNeeded();
    await screenshot(page, 'spread-sweep-reopened');

    // SGD sweeps too: its batch size held for every cell, said how it is drawn.
    await panel.getByTestId('sweep-optimizer').selectOption('sgd');
    await expect(panel.getByTestId('sweep-fixed-batchSize')).toHaveValue('16');
    await expect(panel.getByTestId('sweep-sgd-note')).toContainText('every cell draws the same rows');
    await setField(panel, 'sweep-fixed-batchSize', '6');
    await expect(panel.getByTestId('sweep-run')).toBeEnabled();
    await panel.getByTestId('sweep-fixed-batchSize').scrollIntoViewIfNeeded();
    await screenshot(page, 'spread-sweep-sgd');

    // Too many numbers a cell: refused by name, nothing to run.
    await setField(lab, 'spread-n', '2000');
    await expect(panel.getByTestId('sweep-error')).toHaveText(/^a Spread sweep's cell holds N × D = 2000 × 3 = 6000 numbers, over the limit of N·D ≤ 4096 per cell/);
    await expect(panel.getByTestId('sweep-run')).toBeDisabled();
  });
});
