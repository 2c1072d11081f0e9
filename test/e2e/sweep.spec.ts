/**
 * Sweeps in the Surface lab, end to end: a sweep with a progress bar, a partial heatmap and a
 * cancel; a finished sweep's heatmap with its legend and best cell, whose click races that
 * cell as a lane that lands where the cell said; and the fair race with its tuning budget.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

async function openSurface(page: Page): Promise<Locator> {
  await page.keyboard.press('Control+4');
  const lab = inPanel(page, 'surface');
  await expect(lab.getByText(/f = \(1\.5 - x/)).toBeVisible();
  return lab;
}

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

/** Clicks cell `index` (row-major: axis 1 across, axis 2 up) of the heatmap. */
async function clickCell(canvas: Locator, index: number): Promise<void> {
  const cols = Number(await canvas.getAttribute('data-cols'));
  const rows = Number(await canvas.getAttribute('data-rows'));
  const box = (await canvas.boundingBox())!;
  const i = Math.floor(index / rows);
  const j = index % rows;
  await canvas.click({ position: { x: ((i + 0.5) / cols) * box.width, y: ((rows - 1 - j + 0.5) / rows) * box.height } });
}

test.describe('sweeps', () => {
  // Several sweeps and races on a shared 2-core machine: more than the default minute.
  test.describe.configure({ timeout: 240_000 });
  test('should sweep Adam over Beale with progress, cancel and a partial heatmap, then race the best cell to where the cell said', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await setField(lab, 'max-iterations', '400');
    const panel = lab.getByTestId('sweep-panel');
    await panel.locator('summary').click();
    // A big sweep, cancelled part-way: its progress and partial heatmap show meanwhile.
    await setField(panel, 'sweep-axis1-cells', '32');
    await panel.getByTestId('sweep-use-axis2').check();
    await setField(panel, 'sweep-axis2-cells', '32');
    await setField(lab, 'max-iterations', '200000');
    await panel.getByTestId('sweep-run').click();
    await expect(panel.getByTestId('sweep-progress')).toBeVisible();
    await expect(panel.getByTestId('sweep-heatmap-canvas')).toBeVisible({ timeout: 30_000 });
    await screenshot(page, 'sweep-partial');
    await panel.getByTestId('sweep-cancel').click();
    await expect(panel.getByTestId('sweep-progress')).toBeHidden();
    await expect(panel.getByTestId('sweep-rate')).toBeHidden();

    // A bad range is refused beside the fields.
    await setField(panel, 'sweep-axis1-lo', '2');
    await expect(panel.getByTestId('sweep-error')).toHaveText('learningRate: the range needs LO < HI, got 2..1');
    await expect(panel.getByTestId('sweep-run')).toBeDisabled();
    await setField(panel, 'sweep-axis1-lo', '0.0001');

    // The real one: 12 learning rates × 6 beta1 values, 400 iterations each.
    await setField(lab, 'max-iterations', '400');
    await setField(panel, 'sweep-axis1-cells', '12');
    await setField(panel, 'sweep-axis2-cells', '6');
    await panel.getByTestId('sweep-run').click();
    await expect(panel.getByTestId('sweep-rate')).toContainText('72 cells', { timeout: 60_000 });
    const canvas = panel.getByTestId('sweep-heatmap-canvas');
    await expect(panel.getByTestId('sweep-heatmap-legend')).toContainText('diverged');
    const best = Number(await canvas.getAttribute('data-best'));
    const bestLoss = await numberIn(canvas, 'data-best-loss');
    await expect(panel.getByTestId('sweep-heatmap-hover')).toContainText('best: learningRate');
    // Hover a cell: its figures.
    const box = (await canvas.boundingBox())!;
    await canvas.hover({ position: { x: 3, y: box.height - 3 } });
    await expect(panel.getByTestId('sweep-heatmap-hover')).toHaveText(/^learningRate 1e-4|^learningRate 0\.0001, beta1 0\.5: loss/);
    await screenshot(page, 'sweep-heatmap');

    // Click the best cell: it joins the lanes and the run starts; it lands where the cell said.
    const lanesBefore = await lab.locator('.lane-row').count();
    await clickCell(canvas, best);
    await expect(lab.locator('.lane-row')).toHaveCount(lanesBefore + 1);
    await expect(lab.getByTestId('iteration')).toHaveText('400', { timeout: 60_000 });
    const laneF = await numberIn(lab.getByTestId(`lane-f-${lanesBefore}`));
    expect(Math.abs(laneF - bestLoss)).toBeLessThanOrEqual(1e-6 * Math.max(bestLoss, 1e-12));
    await screenshot(page, 'sweep-best-cell-raced');
    // And a cell still far from the minimum (the smallest rate, the first beta1): its lane's f is the cell's loss.
    await canvas.hover({ position: { x: 3, y: box.height - 3 } });
    const cellLoss = Number(/loss ([\d.e+-]+)/.exec((await panel.getByTestId('sweep-heatmap-hover').textContent())!)![1]);
    expect(cellLoss).toBeGreaterThan(1);
    await clickCell(canvas, 0);
    await expect(lab.locator('.lane-row')).toHaveCount(lanesBefore + 2);
    await expect(lab.getByTestId('iteration')).toHaveText('400', { timeout: 60_000 });
    expect(Math.abs((await numberIn(lab.getByTestId(`lane-f-${lanesBefore + 1}`))) - cellLoss)).toBeLessThanOrEqual(1e-5 * cellLoss);
  });

  test('should race every chosen optimizer at its own best rate, with the tuning budget beside the race', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await setField(lab, 'max-iterations', '500');
    const panel = lab.getByTestId('sweep-panel');
    await panel.locator('summary').click();
    await panel.getByTestId('race-momentum').uncheck();
    await panel.getByTestId('race-rmsprop').uncheck();
    await panel.getByTestId('fair-race-run').click();
    await expect(lab.getByTestId('fair-race-budget')).toContainText('tuning: 2 sweeps × 12 rates × 500 iterations = 12,000 cell-steps', { timeout: 60_000 });
    await expect(lab.locator('.lane-row')).toHaveCount(2);
    await expect(lab.getByTestId('iteration')).toHaveText('500', { timeout: 60_000 });
    await expect(panel.getByTestId('fair-race-summary')).toContainText('Adam: best lr');
    // Tuned, Adam ends far below where gradient descent at its own best rate gets on Beale.
    expect(await numberIn(lab.getByTestId('lane-f-1'))).toBeLessThan(await numberIn(lab.getByTestId('lane-f-0')));
    await screenshot(page, 'sweep-fair-race');
  });
});

test.describe('sweeps by iterations to a tolerance', () => {
  test.describe.configure({ timeout: 240_000 });

  test('should colour Booth’s gradient-descent sweep by the iterations to f ≤ 1e-3, fewest at the largest stable rate', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await lab.getByTestId('surface-function').selectOption('booth');
    await setField(lab, 'max-iterations', '300');
    const panel = lab.getByTestId('sweep-panel');
    await panel.locator('summary').click();
    await panel.getByTestId('sweep-optimizer').selectOption('gd');
    // Booth's Hessian has eigenvalues 2 and 18: plain steps are stable below 2/18 ≈ 0.111.
    await setField(panel, 'sweep-axis1-lo', '0.01');
    await setField(panel, 'sweep-axis1-hi', '0.1');
    await setField(panel, 'sweep-axis1-cells', '10');
    await panel.getByTestId('sweep-by-tolerance').check();
    await setField(panel, 'sweep-tolerance', '0.001');
    await panel.getByTestId('sweep-run').click();
    await expect(panel.getByTestId('sweep-rate')).toContainText('10 cells', { timeout: 60_000 });
    const canvas = panel.getByTestId('sweep-heatmap-canvas');
    await expect(panel.getByTestId('sweep-heatmap-legend')).toContainText('iterations');
    // From Booth's start (−8, −6) the error (−9, −9) lies along (1, 1), where the gradient 2A²e has
    // eigenvalue 18: f_k = 1458·(1 − 18·lr)^(2k), under 1e-3 from k ≥ ln(1e-3/1458) / (2·ln|1 − 18·lr|).
    const expected = (lr: number) => Math.ceil(Math.log(1e-3 / 1458) / (2 * Math.log(Math.abs(1 - 18 * lr))));
    // lr 0.05995 (nearest 1/18 of the ten) gets there in 3, lr 0.01 in 36.
    expect(Number(await canvas.getAttribute('data-best'))).toBe(7);
    expect(await numberIn(canvas, 'data-best-iterations')).toBe(expected(0.05995));
    expect(expected(0.05995)).toBe(3);
    const box = (await canvas.boundingBox())!;
    await canvas.hover({ position: { x: 3, y: box.height / 2 } });
    await expect(panel.getByTestId('sweep-heatmap-hover')).toContainText(`learningRate 0.01: loss`);
    await expect(panel.getByTestId('sweep-heatmap-hover')).toContainText(`tolerance at iteration ${expected(0.01)}`);
    expect(expected(0.01)).toBe(36);
    await screenshot(page, 'sweep-tolerance');
  });
});

test.describe('regression sweeps', () => {
  test.describe.configure({ timeout: 240_000 });

  test('should sweep gradient descent\u2019s rate on the height/weight data, large rates diverging, and race the best cell to its loss', async ({ lab: page }) => {
    const lab = inPanel(page, 'regression');
    const panel = lab.getByTestId('sweep-panel');
    await panel.locator('summary').click();
    await panel.getByTestId('sweep-optimizer').selectOption('gd');
    await setField(panel, 'sweep-axis1-lo', '1e-6');
    await setField(panel, 'sweep-axis1-hi', '0.001');
    await setField(panel, 'sweep-axis1-cells', '10');
    await panel.getByTestId('sweep-run').click();
    await expect(panel.getByTestId('sweep-rate')).toContainText('10 cells', { timeout: 60_000 });
    const canvas = panel.getByTestId('sweep-heatmap-canvas');
    // On the raw data (x ≈ 70) gradient descent diverges above a rate of about 2/(2·E[x²]) ≈ 2e-4.
    const box = (await canvas.boundingBox())!;
    await canvas.hover({ position: { x: box.width - 3, y: box.height / 2 } });
    await expect(panel.getByTestId('sweep-heatmap-hover')).toHaveText('learningRate 0.001: loss diverged');
    const best = Number(await canvas.getAttribute('data-best'));
    const bestLoss = await numberIn(canvas, 'data-best-loss');
    const lanesBefore = await lab.locator('.lane-row').count();
    await clickCell(canvas, best);
    await expect(lab.locator('.lane-row')).toHaveCount(lanesBefore + 1);
    await expect(lab.getByTestId('iteration')).toHaveText('50', { timeout: 60_000 });
    expect(Math.abs((await numberIn(lab.getByTestId(`lane-loss-${lanesBefore}`))) - bestLoss)).toBeLessThanOrEqual(1e-5 * bestLoss);
    await screenshot(page, 'sweep-regression');
  });
});
