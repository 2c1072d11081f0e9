/**
 * A model of your own in the Regression lab's window: typed, checked by the engine, its starting
 * values, exact answer (against a float64 normal-equations solve of the built-in data), fitted
 * curves and parameter table; a bad model refused beside the field with its column while the
 * last good one stays; a two-parameter nonlinear model's contour.
 */
import type { Download, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { builtInData, quadraticLeastSquares } from '../regression-expected';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

const panel = (lab: Page) => inPanel(lab, 'regression');

async function onlyAdam(lab: Page): Promise<void> {
  // The default lanes are gradient descent, RMSprop and Adam: keep Adam.
  await panel(lab).getByTestId('lane-remove-0').click();
  await panel(lab).getByTestId('lane-remove-0').click();
  await expect(panel(lab).getByTestId('lane-optimizer-0')).toHaveValue('adam');
}

async function saved(page: Page, button: Locator): Promise<string> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  return download.path();
}

async function learningRate(lab: Page, lr: string): Promise<void> {
  await panel(lab).getByTestId('lane-0-learningRate').fill(lr);
  await panel(lab).getByTestId('lane-0-learningRate').blur();
}

test.describe('regression model', () => {
  // Typing, checking, running and a session round trip: more than the default minute on a busy machine.
  test.describe.configure({ timeout: 120_000 });
  test('should fit a*x^2 + b*x + c: starting values, exact answer, curves and parameter table', async ({ lab }) => {
    await onlyAdam(lab);
    const before = await panel(lab).getByTestId('scatter').screenshot();
    await panel(lab).getByTestId('regression-model').fill('a*x^2 + b*x + c');
    for (const p of ['a', 'b', 'c']) await expect(panel(lab).getByTestId(`init-${p}`)).toBeVisible();
    // The exact answer, solved by the engine in float64, equals the normal equations solved here.
    const hand = quadraticLeastSquares(builtInData());
    for (const [k, p] of ['a', 'b', 'c'].entries()) {
      await expect(panel(lab).getByTestId(`exact-param-${p}`)).toBeVisible();
      const v = await numberIn(panel(lab).getByTestId(`exact-param-${p}`));
      expect(Math.abs(v - hand[k]!) / Math.max(1, Math.abs(hand[k]!)), `exact ${p}`).toBeLessThan(1e-6);
    }
    await expect(panel(lab).getByTestId('parameter-row-exact')).toBeVisible();
    await expect(panel(lab).getByTestId('parameter-row-start')).toBeVisible();
    // Start near the answer's scale, a = 0, b = 3, c = 0, with a step that suits x² ≈ 4,800.
    await learningRate(lab, '0.001');
    await panel(lab).getByTestId('init-a').fill('0');
    await panel(lab).getByTestId('init-b').fill('3');
    await panel(lab).getByTestId('init-c').fill('0');
    await expect(panel(lab).getByTestId('parameter-row-start')).toContainText('3');
    await panel(lab).getByTestId('run').click();
    await expect(panel(lab).getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
    const loss = panel(lab).getByTestId('lane-loss-0');
    expect(await numberIn(loss), 'the loss fell').toBeLessThan(await numberIn(loss, 'data-start'));
    // The parameter table has the lane's row, moved from its start.
    await expect(panel(lab).getByTestId('parameter-row-0')).toBeVisible();
    expect(await numberIn(panel(lab).getByTestId('lane-param-b-0'))).not.toBe(3);
    const after = await panel(lab).getByTestId('scatter').screenshot();
    expect(after.equals(before), 'the scatter shows the curves').toBe(false);
    await screenshot(lab, 'model-quadratic');

    // The history file names the model in its run card and the parameters in its header.
    const csv = readFileSync(await saved(lab, panel(lab).getByTestId('export-history-csv')), 'utf8');
    const problem = csv.split('\n').find((line) => line.startsWith('# problem: '));
    expect(JSON.parse(problem!.slice('# problem: '.length))).toMatchObject({ model: 'a*x^2 + b*x + c', init: { a: 0, b: 3, c: 0 } });
    const rows = Papa.parse<string[]>(csv.trimEnd(), { comments: '#' }).data;
    expect(rows[0]).toEqual(['lane', 'iteration', 'loss', 'a', 'b', 'c']);
    expect(rows).toHaveLength(1 + 51);
    expect(Number(rows[1]![4]), 'b at iteration 0').toBe(3);

    // A session keeps the model, its starts and the run; the timeline scrubs its parameters.
    const b = await numberIn(panel(lab).getByTestId('lane-param-b-0'));
    const file = await saved(lab, lab.getByTestId('save-session'));
    await lab.reload();
    await expect(panel(lab).getByTestId('dataset-summary')).toContainText('150 rows');
    await expect(panel(lab).getByTestId('regression-model')).toHaveValue('a*x + b');
    await lab.getByTestId('session-input').setInputFiles(file);
    await expect(panel(lab).getByTestId('regression-model')).toHaveValue('a*x^2 + b*x + c');
    await expect(panel(lab).getByTestId('init-b')).toHaveValue('3');
    await expect(panel(lab).getByTestId('parameter-row-0')).toBeVisible();
    expect(await numberIn(panel(lab).getByTestId('lane-param-b-0'))).toBe(b);
    await panel(lab).getByTestId('timeline').fill('0');
    await expect(panel(lab).getByTestId('lane-param-b-0')).toHaveAttribute('data-value', '3');
  });

  test('should refuse a bad model beside the field with its column, keep the last good one and disable Run', async ({ lab }) => {
    await panel(lab).getByTestId('regression-model').fill('a*x^2 + b*x + c');
    await expect(panel(lab).getByTestId('init-c')).toBeVisible();
    await panel(lab).getByTestId('regression-model').fill('a*x^2 + sine(b*x)');
    await expect(panel(lab).getByTestId('model-error')).toContainText("unknown function 'sine' at column 9");
    await expect(panel(lab).getByTestId('regression-model')).toHaveAttribute('aria-invalid', 'true');
    await expect(panel(lab).getByTestId('run')).toBeDisabled();
    // Nothing else changed: the last good model's starts, exact answer and table stay.
    await expect(panel(lab).getByTestId('init-c')).toBeVisible();
    await expect(panel(lab).getByTestId('exact-param-c')).toBeVisible();
    await screenshot(lab, 'model-refused');
    await panel(lab).getByTestId('regression-model').fill('a*x^2 + sin(b*x)');
    await expect(panel(lab).getByTestId('regression-model')).toHaveAttribute('aria-invalid', 'false');
    await expect(panel(lab).getByTestId('exact-note')).toContainText('not linear');
    await expect(panel(lab).getByTestId('run')).toBeEnabled();
    // Back to the line: its own panel and contour again.
    await panel(lab).getByTestId('regression-model').fill('a*x + b');
    await expect(panel(lab).getByTestId('init-slope')).toBeVisible();
    await expect(panel(lab).getByTestId('contour')).toBeVisible();
  });
});

test.describe('regression model contour', () => {
  test.describe.configure({ timeout: 120_000 });
  test('should map a two-parameter nonlinear model a*exp(b*x) and draw the lane on it', async ({ lab }) => {
    await onlyAdam(lab);
    await learningRate(lab, '0.001');
    await panel(lab).getByTestId('regression-model').fill('a*exp(b*x)');
    await expect(panel(lab).getByTestId('init-b')).toBeVisible();
    await panel(lab).getByTestId('init-a').fill('100');
    await panel(lab).getByTestId('init-b').fill('0.01');
    const map = panel(lab).getByTestId('model-contour');
    await expect(map).toBeVisible();
    // Nonlinear: no exact answer, and the reason says so.
    await expect(panel(lab).getByTestId('exact-note')).toContainText('not linear');
    await expect(panel(lab).getByTestId('parameter-table')).toHaveCount(0);
    // The engine's grid is drawn (the canvas names its resolution) before the picture is taken.
    await expect(map).toHaveAttribute('data-grid', /^\d+$/);
    const before = await map.screenshot();
    await panel(lab).getByTestId('run').click();
    await expect(panel(lab).getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
    const loss = panel(lab).getByTestId('lane-loss-0');
    expect(await numberIn(loss), 'the loss fell').toBeLessThan(await numberIn(loss, 'data-start'));
    // Two parameters: their columns in the lane table.
    expect(await numberIn(panel(lab).getByTestId('lane-param-a-0'))).not.toBe(100);
    await expect.poll(async () => (await map.screenshot()).equals(before), { message: 'the lane drew its path on the map' }).toBe(false);
    await screenshot(lab, 'model-exp-contour');
  });
});
