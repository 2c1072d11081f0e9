import type { Download, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

async function saved(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return readFileSync(await download.path());
}

/** Frames of an animated GIF, as sharp (libvips) decodes it: scanning for the frame marker bytes miscounts when LZW data happens to hold them. */
async function gifFrames(bytes: Buffer): Promise<number | undefined> {
  return (await sharp(bytes).metadata()).pages;
}

test.describe('timeline and exports', () => {
  test('should scrub a finished regression run in step across lanes and export it', async ({ lab: page }) => {
    const lab = inPanel(page, 'regression');
    await lab.getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(lab.getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });
    const slopeAt50 = await numberIn(lab.getByTestId('lane-slope-1'));

    const timeline = lab.getByTestId('timeline');
    await expect(timeline).toBeEnabled();
    await timeline.fill('10');
    await expect(lab.getByTestId('timeline-position')).toHaveText('10 / 50');
    await expect(lab.getByTestId('iteration')).toHaveText('10');
    for (const i of [0, 1, 2]) await expect(lab.getByTestId(`lane-iteration-${i}`)).toHaveText('10');
    const slopeAt10 = await numberIn(lab.getByTestId('lane-slope-1'));
    expect(slopeAt10).not.toBe(slopeAt50);
    await screenshot(page, 'timeline-regression-scrubbed');
    await timeline.fill('0');
    await expect(lab.getByTestId('iteration')).toHaveText('0');
    expect(await numberIn(lab.getByTestId('lane-slope-0'))).toBeCloseTo(6.0411, 6);
    await lab.getByTestId('timeline-latest').click();
    await expect(lab.getByTestId('iteration')).toHaveText('50');
    expect(await numberIn(lab.getByTestId('lane-slope-1'))).toBe(slopeAt50);

    // CSV: a header, then one row per lane and iteration (3 lanes × iterations 0..50).
    // (after the run card's comment lines, which view-export.spec.ts reads)
    const csv = (await saved(page, () => lab.getByTestId('export-history-csv').click()))
      .toString('utf8')
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    expect(csv[0]).toBe('lane,iteration,loss,slope,intercept,learningRate');
    expect(csv).toHaveLength(1 + 3 * 51);
    const json = JSON.parse((await saved(page, () => lab.getByTestId('export-history-json').click())).toString('utf8'));
    expect(json.lanes).toHaveLength(3);
    expect(json.lanes[0].iteration).toHaveLength(51);

    const gif = await saved(page, () => lab.getByTestId('export-gif').click());
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    // 60 frames asked for, but a 50-iteration run has 51 distinct iterations to show.
    expect(await gifFrames(gif)).toBe(51);
    await expect(lab.getByTestId('export-progress')).toHaveCount(0);
    await expect(lab.getByTestId('iteration')).toHaveText('50'); // the export gives the latest back

    const png = await saved(page, () => lab.getByTestId('export-view-png').click());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  test('should replay the spread lab’s vectors and export a WebM video', async ({ lab: page }) => {
    await page.getByTestId('tab-spread').click();
    const lab = inPanel(page, 'spread');
    await lab.getByTestId('preset-12-3').click();
    const max = lab.getByTestId('max-iterations');
    await max.fill('300');
    await max.press('Enter');
    await lab.getByTestId('run').click();
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 300', { timeout: 60_000 });
    const sphere = lab.getByTestId('sphere-canvas');
    const end = await sphere.screenshot();
    await lab.getByTestId('timeline').fill('0');
    await expect(lab.getByTestId('spread-iteration')).toContainText('iteration 0');
    await expect(lab.getByTestId('sphere-caption').first()).toContainText('iteration 0');
    expect(Buffer.compare(end, await sphere.screenshot())).not.toBe(0);
    await screenshot(page, 'timeline-spread-start');
    const webm = await saved(page, () => lab.getByTestId('export-webm').click());
    expect([...webm.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML: a Matroska/WebM file
    expect(webm.length).toBeGreaterThan(10_000);
  });
});
