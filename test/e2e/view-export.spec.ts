/**
 * The view exports hold what the view shows, not only its canvases: the Regression legend (lane
 * names beside their colours) above the views, and in the Adversarial lab every lane's row with
 * its verdict, bars and figures; the CSV and JSON carry the run card (the settings that produced
 * them). Each picture is saved to test-results/screenshots to be looked at.
 */
import type { Download, Locator, Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import { backgroundOf, dragBinaryFiles, expect, inPanel, numberIn, pngPixel, pngSize, SAMPLE_IMAGES, SCREENSHOT_DIR, test } from './lab-fixture';

/** The strip under an exported picture with the run card's line (capture-view.ts). */
const CAPTION_HEIGHT = 20;

async function saved(page: Page, button: Locator, keepAs?: string): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  const bytes = readFileSync(await download.path());
  if (keepAs) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(path.join(SCREENSHOT_DIR, keepAs), bytes);
  }
  return bytes;
}

/** The page box of an element, relative to a point (the picture's top left). */
async function centreFrom(locator: Locator, origin: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const b = (await locator.boundingBox())!;
  return { x: b.x - origin.x + b.width / 2, y: b.y - origin.y + b.height / 2 };
}

function expectColour(actual: number[], expected: number[]): void {
  for (let i = 0; i < 3; i++) expect(Math.abs(actual[i]! - expected[i]!), `channel ${i} of ${actual} against ${expected}`).toBeLessThanOrEqual(8);
}

test.describe('view exports', () => {
  test.describe.configure({ timeout: 120_000 });

  test('should draw the regression legend into the PNG, and lead the CSV and JSON with the run card', async ({ lab: page }) => {
    const lab = inPanel(page, 'regression');
    await lab.getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(lab.getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });

    const png = await saved(page, lab.getByTestId('export-view-png'), 'export-regression.png');
    const legend = lab.getByTestId('legend');
    const views = lab.locator('.views');
    const l = (await legend.boundingBox())!;
    const v = (await views.boundingBox())!;
    const origin = { x: Math.min(l.x, v.x), y: Math.min(l.y, v.y) };
    // The picture spans the legend and the views, and the run card's line under them.
    expect(pngSize(png).height).toBe(Math.round(v.y + v.height - origin.y) + CAPTION_HEIGHT);
    const swatches = legend.getByTestId('legend-lane').locator('.legend-line');
    await expect(swatches).toHaveCount(3);
    for (let i = 0; i < 3; i++) {
      const swatch = swatches.nth(i);
      const colour = await backgroundOf(swatch);
      const at = await centreFrom(swatch, origin);
      expectColour(await pngPixel(page, png, at.x, at.y), colour);
    }

    const csv = (await saved(page, lab.getByTestId('export-history-csv'))).toString('utf8');
    const card = Object.fromEntries(
      csv
        .split('\n')
        .filter((line) => line.startsWith('# '))
        .map((line) => [line.slice(2, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
    );
    expect(card['lab']).toBe('regression');
    expect(card['app']).toMatch(/^Descent Lab \d+\.\d+\.\d+/);
    expect(card['backend']).toMatch(/^(cpu|wasm|tensorflow)$/);
    expect(card['seed']).toMatch(/^\d+$/);
    expect(JSON.parse(card['lanes']!).map((lane: { optimizer: string }) => lane.optimizer)).toHaveLength(3);
    const rows = Papa.parse<string[]>(csv.trimEnd(), { comments: '#' }).data;
    expect(rows[0]).toEqual(['lane', 'iteration', 'loss', 'slope', 'intercept', 'learningRate']);
    expect(rows).toHaveLength(1 + 3 * 51);

    const json = JSON.parse((await saved(page, lab.getByTestId('export-history-json'))).toString('utf8'));
    expect(json.run.lab).toBe('regression');
    expect(json.run.lanes[0].params).toBeTruthy();
    expect(json.lanes).toHaveLength(3);
  });

  test('should draw every adversarial lane’s row, bars and figures into the PNG', async ({ lab: page }) => {
    await page.getByTestId('tab-adversarial').click();
    const lab = inPanel(page, 'adversarial');
    await expect(lab.getByTestId('model-ready')).toContainText('MobileNet v1 0.75', { timeout: 30_000 });
    const bytes = readFileSync(path.join(SAMPLE_IMAGES, 'img_1.jpg'));
    for (const type of ['dragenter', 'drop'] as const) await dragBinaryFiles(page, type, [{ name: 'img_1.jpg', bytes, type: 'image/jpeg' }]);
    const first = lab.getByTestId('lane-view-0');
    await expect(first.getByTestId('top5-row')).toHaveCount(5, { timeout: 60_000 });
    await page.keyboard.press('ArrowRight');
    await expect(first.getByTestId('lane-step')).toHaveAttribute('data-value', '1', { timeout: 60_000 });
    await expect(lab.getByTestId('lane-view-1').getByTestId('lane-step')).toHaveAttribute('data-value', '1', { timeout: 60_000 });

    const png = await saved(page, lab.getByTestId('export-view-png'), 'export-adversarial.png');
    const lanes = lab.getByTestId('lane-views');
    const box = (await lanes.boundingBox())!;
    const scrollHeight = await lanes.evaluate((el) => (el as unknown as { scrollHeight: number }).scrollHeight);
    // Every lane's row, the ones scrolled out of sight too.
    expect(pngSize(png).height).toBe(Math.round(Math.max(box.height, scrollHeight)) + CAPTION_HEIGHT);
    const origin = { x: box.x, y: box.y };
    for (const i of [0, 1]) {
      const lane = lab.getByTestId(`lane-view-${i}`);
      // The fills of the top class's bar and of the larger of the cat and dog bars.
      const group = (await numberIn(lane.getByTestId('cat-bar'))) > (await numberIn(lane.getByTestId('dog-bar'))) ? 'cat-bar' : 'dog-bar';
      for (const part of [lane.getByTestId(group).locator('.adv-bar > span'), lane.getByTestId('top5-row').first().locator('.adv-bar > span')]) {
        const colour = await backgroundOf(part);
        const b = (await part.boundingBox())!;
        // A few pixels into the fill (it is as wide as the probability).
        expectColour(await pngPixel(page, png, b.x - origin.x + 2, b.y - origin.y + b.height / 2), colour);
      }
      const badge = lane.getByTestId('lane-success');
      const badgeColour = await backgroundOf(badge);
      const bb = (await badge.boundingBox())!;
      expectColour(await pngPixel(page, png, bb.x - origin.x + 3, bb.y - origin.y + bb.height / 2), badgeColour);
    }
  });

  test('should draw the spread and surface readouts, with each lane’s colour, into the PNG', async ({ lab: page }) => {
    await page.getByTestId('tab-spread').click();
    const spread = inPanel(page, 'spread');
    await spread.getByTestId('preset-12-3').click();
    const max = spread.getByTestId('max-iterations');
    await max.fill('200');
    await max.press('Enter');
    await spread.getByTestId('run').click();
    await expect(spread.getByTestId('spread-iteration')).toContainText('iteration 200', { timeout: 60_000 });
    await expectSwatchesIn(page, spread, 'export-spread.png');

    await page.getByTestId('tab-surface').click();
    const surface = inPanel(page, 'surface');
    await surface.getByTestId('run').click();
    await expect(surface.getByTestId('export-view-png')).toBeEnabled();
    await expect(surface.getByTestId('run')).toBeEnabled({ timeout: 60_000 });
    await expectSwatchesIn(page, surface, 'export-surface.png');
  });
});

/** Exports the lab's view as PNG (kept as `name`) and finds each readout swatch's colour at its place in it. */
async function expectSwatchesIn(page: Page, lab: Locator, name: string): Promise<void> {
  const png = await saved(page, lab.getByTestId('export-view-png'), name);
  const views = (await lab.locator('.views').boundingBox())!;
  const swatches = lab.locator('.readouts-card .swatch');
  expect(await swatches.count()).toBeGreaterThan(0);
  for (const swatch of await swatches.all()) {
    const colour = await backgroundOf(swatch);
    const at = await centreFrom(swatch, { x: views.x, y: views.y });
    expectColour(await pngPixel(page, png, at.x, at.y), colour);
  }
}
