import type { Locator, Page } from '@playwright/test';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

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
});
