import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dragBinaryFiles, expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

async function saveSession(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-session').click()]);
  return download.path();
}

test.describe('sessions', () => {
  test('should save every lab’s settings and runs in one file and reopen them after a reload', async ({ lab: page }) => {
    const regression = inPanel(page, 'regression');
    const seed = regression.getByTestId('seed');
    await seed.fill('7');
    await seed.press('Enter');
    await regression.getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(regression.getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });
    const slope = await numberIn(regression.getByTestId('lane-slope-2'));

    await page.getByTestId('tab-spread').click();
    const spread = inPanel(page, 'spread');
    await spread.getByTestId('preset-4-3').click();
    const max = spread.getByTestId('max-iterations');
    await max.fill('200');
    await max.press('Enter');
    await spread.getByTestId('run').click();
    await expect(spread.getByTestId('spread-iteration')).toContainText('iteration 200', { timeout: 60_000 });
    const angle = await numberIn(spread.getByTestId('min-angle').first());

    const file = await saveSession(page);
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).toBe('DESCENT SESSION\n');

    await page.reload();
    await expect(regression.getByTestId('dataset-summary')).toContainText('150 rows');
    await expect(regression.getByTestId('seed')).toHaveValue('1');
    await page.getByTestId('session-input').setInputFiles(file);
    // The spread lab was shown when the session was saved: it comes back shown.
    await expect(spread).toBeVisible();
    await expect(page.getByTestId('engine-notice')).toContainText('Opened');
    await expect(spread.getByTestId('spread-n')).toHaveValue('4');
    await expect(spread.getByTestId('spread-iteration')).toContainText('iteration 200');
    expect(await numberIn(spread.getByTestId('min-angle').first())).toBe(angle);
    await spread.getByTestId('timeline').fill('0');
    await expect(spread.getByTestId('spread-iteration')).toContainText('iteration 0');
    await screenshot(page, 'session-reopened-spread');

    await page.getByTestId('tab-regression').click();
    await expect(regression.getByTestId('seed')).toHaveValue('7');
    await expect(regression.getByTestId('iteration')).toHaveText('50');
    expect(await numberIn(regression.getByTestId('lane-slope-2'))).toBe(slope);
    await expect(regression.getByTestId('lane-status-0')).toHaveText('done');
    // Run starts afresh from the reopened settings and ends where the saved run did (the
    // restored lanes read "done" already, so wait for the new run's own end).
    await regression.getByTestId('run').click();
    await expect(regression.getByTestId('pause')).toBeEnabled();
    await expect(regression.getByTestId('pause')).toBeDisabled({ timeout: 30_000 });
    await expect(regression.getByTestId('lane-status-0')).toHaveText('done');
    expect(await numberIn(regression.getByTestId('lane-slope-2'))).toBe(slope);
  });

  test('should refuse a file that is not a session, or from a newer app, and change nothing', async ({ lab: page }) => {
    const regression = inPanel(page, 'regression');
    await page.getByTestId('session-input').setInputFiles({ name: 'notes.descent', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
    await expect(page.getByTestId('error')).toContainText('notes.descent is not a Descent Lab session file');
    // A session header with a future format number, in the file layout session.ts writes.
    const header = Buffer.from(JSON.stringify({ format: 'descent-session', version: 99, savedWith: '7.0.0', savedAt: 'x', activeLab: 'spread', labs: {} }));
    const body = Buffer.alloc(4 + header.length + 8);
    body.writeUInt32LE(header.length, 0);
    header.copy(body, 4);
    const newer = Buffer.concat([Buffer.from('DESCENT SESSION\n'), body]);
    await page.getByTestId('session-input').setInputFiles({ name: 'future.descent', mimeType: 'application/octet-stream', buffer: newer });
    await expect(page.getByTestId('error')).toContainText('future.descent was saved by a newer Descent Lab (7.0.0, session format 99)');
    await expect(regression).toBeVisible();
    await expect(regression.getByTestId('dataset-summary')).toContainText('150 rows');
  });

  test('should open a .descent file dropped on any lab as a session', async ({ lab: page }) => {
    const regression = inPanel(page, 'regression');
    const seed = regression.getByTestId('seed');
    await seed.fill('11');
    await seed.press('Enter');
    const bytes = readFileSync(await saveSession(page));
    await page.reload();
    await expect(regression.getByTestId('seed')).toHaveValue('1');
    // Dropped on the Surface lab, which takes no files of its own.
    await page.getByTestId('tab-surface').click();
    const files = [{ name: 'mine.descent', bytes, type: '' }];
    await dragBinaryFiles(page, 'dragenter', files);
    await dragBinaryFiles(page, 'drop', files);
    await expect(page.getByTestId('engine-notice')).toContainText('Opened mine.descent');
    await page.getByTestId('tab-regression').click();
    await expect(regression.getByTestId('seed')).toHaveValue('11');
  });

  test('should open the shown lab’s file picker on Ctrl+O in the browser (a session’s in the Surface lab, which has no file of its own)', async ({ lab: page }) => {
    for (const [lab, input] of [['regression', 'csv-input'], ['spread', 'vectors-input'], ['adversarial', 'images-input'], ['surface', 'session-input']] as const) {
      await page.getByTestId(`tab-${lab}`).click();
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+o')]);
      expect(await chooser.element().getAttribute('data-testid'), lab).toBe(input);
    }
  });
});

