import type { Download, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

async function saved(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return readFileSync(await download.path());
}

async function saveSession(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-session').click()]);
  return download.path();
}

async function openSurface(page: Page): Promise<Locator> {
  await page.keyboard.press('Control+4');
  const lab = inPanel(page, 'surface');
  await expect(lab.getByTestId('surface-contour')).toBeVisible();
  // The function is drawn once the engine has sent its grid.
  await expect(lab.getByText(/f = \(1\.5 - x/)).toBeVisible();
  return lab;
}

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

async function keepLanes(lab: Locator, keep: number): Promise<void> {
  for (let i = (await lab.locator('.lane-row').count()) - 1; i >= keep; i--) await lab.getByTestId(`lane-remove-${i}`).click();
}

test.describe('surface lab', () => {
  test('should race the suggested lanes over Beale: Adam reaches the minimum, gradient descent is still in the valley', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await keepLanes(lab, 4);
    await setField(lab, 'max-iterations', '3000');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('3000', { timeout: 60_000 });
    // Lanes 0 (gd, lr 0.001) and 3 (Adam, lr 0.02) of Beale's suggestions; the minimum is 0 at (3, 0.5).
    expect(await numberIn(lab.getByTestId('lane-f-3'))).toBeLessThan(1e-6);
    expect(await numberIn(lab.getByTestId('lane-distance-3'))).toBeLessThan(1e-3);
    expect(await numberIn(lab.getByTestId('lane-f-0'))).toBeGreaterThan(1e-3);
    // The autodiff gradient agrees with float64 finite differences on a smooth function.
    for (let i = 0; i < 4; i++) expect(await numberIn(lab.getByTestId(`lane-check-${i}`), 'data-error')).toBeLessThan(1e-3);
    await lab.getByTestId('surface-field').check();
    await screenshot(page, 'surface-beale');
  });

  test('should set the start of every lane by clicking the contour map', async ({ lab: page }) => {
    const lab = await openSurface(page);
    const map = lab.getByTestId('surface-contour');
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width * 0.75, y: box.height * 0.3 } });
    const x = Number(await lab.getByTestId('surface-start-x').inputValue());
    const y = Number(await lab.getByTestId('surface-start-y').inputValue());
    // Beale's window is [−4.5, 4.5]²: three quarters across is right of centre, 30 % down is above it.
    expect(x).toBeGreaterThan(0.5);
    expect(y).toBeGreaterThan(0.5);
    await setField(lab, 'max-iterations', '5');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('5');
    const point = lab.getByTestId('lane-point-0');
    expect(await numberIn(point, 'data-x')).not.toBeCloseTo(x, 3);
    // Reset rewinds every lane to iteration 0: the clicked start (held as float32).
    await lab.getByTestId('reset').click();
    await expect(lab.getByTestId('iteration')).toHaveText('0');
    // A rewound run has not taken a step: ready, not paused; then one step pauses it there.
    for (let i = 0; i < 4; i++) await expect(lab.getByTestId(`lane-status-${i}`)).toHaveText('ready');
    for (let i = 0; i < 4; i++) {
      expect(await numberIn(lab.getByTestId(`lane-point-${i}`), 'data-x')).toBeCloseTo(x, 5);
      expect(await numberIn(lab.getByTestId(`lane-point-${i}`), 'data-y')).toBeCloseTo(y, 5);
    }
    await map.hover({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
    await expect(lab.getByTestId('surface-probe')).toContainText('∇f');
    await lab.getByTestId('step').click();
    await expect(lab.getByTestId('iteration')).toHaveText('1');
    await expect(lab.getByTestId('lane-status-0')).toHaveText('paused');
  });

  test('should refuse a bad formula with its place, keep the last good one, and run a good one', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await lab.getByTestId('surface-function').selectOption('formula');
    const formula = lab.getByTestId('surface-formula');
    await formula.fill('(x - 1)^2 + 2*(y + 0.5)^2');
    await expect(lab.getByText('f = (x - 1)^2 + 2*(y + 0.5)^2')).toBeVisible();
    await formula.fill('sine(x) + y');
    await expect(lab.getByTestId('formula-error')).toContainText("unknown function 'sine' at column 1");
    await expect(lab.getByTestId('run')).toBeDisabled();
    // The views still show the last formula that worked.
    await expect(lab.getByText('f = (x - 1)^2 + 2*(y + 0.5)^2')).toBeVisible();
    await screenshot(page, 'surface-bad-formula');
    await formula.fill('(x - 1)^2 + 2*(y + 0.5)^2');
    await expect(lab.getByTestId('run')).toBeEnabled();
    // Beale's Adam lane (lr 0.02), the last of its suggestions, alone.
    for (let i = 0; i < 3; i++) await lab.getByTestId('lane-remove-0').click();
    await setField(lab, 'max-iterations', '400');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('400', { timeout: 30_000 });
    // The minimum of (x − 1)² + 2(y + 0.5)² is at (1, −0.5).
    const point = lab.getByTestId('lane-point-0');
    expect(await numberIn(point, 'data-x')).toBeCloseTo(1, 2);
    expect(await numberIn(point, 'data-y')).toBeCloseTo(-0.5, 2);
    await screenshot(page, 'surface-formula');
  });

  test('should keep a typed formula, its start and its run in a session, and show them again after a reload', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await lab.getByTestId('surface-function').selectOption('formula');
    await lab.getByTestId('surface-formula').fill('(x - 2)^2 + 3*(y + 1)^2');
    await expect(lab.getByText('f = (x - 2)^2 + 3*(y + 1)^2')).toBeVisible();
    await setField(lab, 'surface-start-x', '-1');
    await setField(lab, 'surface-start-y', '2');
    await keepLanes(lab, 2);
    await setField(lab, 'max-iterations', '50');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('50', { timeout: 30_000 });
    const x = await numberIn(lab.getByTestId('lane-point-1'), 'data-x');
    const file = await saveSession(page);

    await page.reload();
    await expect(inPanel(page, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
    await page.getByTestId('session-input').setInputFiles(file);
    await expect(lab).toBeVisible();
    await expect(lab.getByTestId('surface-formula')).toHaveValue('(x - 2)^2 + 3*(y + 1)^2');
    await expect(lab.getByTestId('surface-start-x')).toHaveValue('-1');
    await expect(lab.getByText('f = (x - 2)^2 + 3*(y + 1)^2')).toBeVisible();
    await expect(lab.getByTestId('iteration')).toHaveText('50');
    expect(await numberIn(lab.getByTestId('lane-point-1'), 'data-x')).toBe(x);
    await expect(lab.getByTestId('lane-status-1')).toHaveText('done');
  });

  test('should show the adaptive methods rolling off the saddle while gradient descent still sits on it', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await lab.getByTestId('surface-function').selectOption('saddle');
    await expect(lab.getByText('f = x^2 - y^2')).toBeVisible();
    await setField(lab, 'max-iterations', '150');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('150', { timeout: 30_000 });
    // All at lr 0.01 from (1, 0.001): gradient descent's y has grown ×1.02 a step, to ≈ 0.02;
    // RMSprop and Adam step ≈ 0.01 a step in y whatever the slope, so they are past y = 1.
    expect(Math.abs(await numberIn(lab.getByTestId('lane-point-0'), 'data-y'))).toBeLessThan(0.05);
    expect(Math.abs(await numberIn(lab.getByTestId('lane-point-2'), 'data-y'))).toBeGreaterThan(1);
    expect(Math.abs(await numberIn(lab.getByTestId('lane-point-3'), 'data-y'))).toBeGreaterThan(1);
    await screenshot(page, 'surface-saddle');
  });

  test('should export the run: every iteration of every lane as CSV and JSON, and the view as a PNG', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await keepLanes(lab, 2);
    await setField(lab, 'max-iterations', '20');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('20', { timeout: 30_000 });
    const csv = (await saved(page, () => lab.getByTestId('export-history-csv').click())).toString('utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
    expect(csv[0]).toBe('lane,iteration,x,y,f,gx,gy,fdx,fdy,learningRate');
    expect(csv).toHaveLength(1 + 2 * 21);
    // Beale's start (1, 1.5): f = 2² + 3.5² + 5² = 41.25.
    const first = csv[1]!.split(',');
    expect(Number(first[2])).toBe(1);
    expect(Number(first[3])).toBe(1.5);
    expect(Number(first[4])).toBeCloseTo(41.25, 10);
    const json = JSON.parse((await saved(page, () => lab.getByTestId('export-history-json').click())).toString('utf8'));
    expect(json).toMatchObject({ lab: 'surface', formula: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2', start: { x: 1, y: 1.5 } });
    expect(json.lanes).toHaveLength(2);
    const png = await saved(page, () => lab.getByTestId('export-view-png').click());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  test('should set the bowl’s condition number with its slider, and descend the narrower valley it makes', async ({ lab: page }) => {
    const lab = await openSurface(page);
    await lab.getByTestId('surface-function').selectOption('bowl');
    await expect(lab.getByText('f = x^2 + 10*y^2')).toBeVisible();
    // The slider is log10 κ: 2 is κ = 100.
    await lab.getByTestId('surface-kappa').fill('2');
    await expect(lab.getByText('f = x^2 + 100*y^2')).toBeVisible();
    await keepLanes(lab, 1);
    await setField(lab, 'max-iterations', '3');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('iteration')).toHaveText('3');
    // Gradient descent at lr 0.004 on x² + 100·y² from (−1.8, 1.2): y ← y·(1 − 2·100·0.004) = 0.2·y
    // and x ← x·(1 − 2·0.004) = 0.992·x each step — the steep direction is done, the flat one not.
    expect(await numberIn(lab.getByTestId('lane-point-0'), 'data-y')).toBeCloseTo(1.2 * 0.2 ** 3, 6);
    expect(await numberIn(lab.getByTestId('lane-point-0'), 'data-x')).toBeCloseTo(-1.8 * 0.992 ** 3, 5);
  });
});
