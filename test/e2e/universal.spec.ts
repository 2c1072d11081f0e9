/**
 * The universal perturbation in the Adversarial lab, in Chromium against the real MobileNet
 * v1 0.75 over the two sample photos the lab opens with: a bad ε is refused beside its field,
 * Cancel ends a long run within an iteration, and a short run draws the fooling rate against ε,
 * the perturbation ×k and every image's verdict, saves δ as a PNG of 128 + δ and the table as
 * CSV, and comes back from a session file after a reload.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, inPanel, numberIn, screenshot, test } from './lab-fixture';

test.describe('universal perturbation', () => {
  test.describe.configure({ timeout: 180_000 });

  test('over the sample photos: refuses a bad ε, cancels, then draws the curve, δ ×k and each verdict, saves δ as PNG and the table as CSV, and comes back from a session', async ({ lab: page }) => {
    await page.getByTestId('tab-adversarial').click();
    const lab = inPanel(page, 'adversarial');
    await expect(lab.getByTestId('model-ready')).toContainText('MobileNet v1 0.75', { timeout: 30_000 });
    await expect(lab.getByTestId('lane-view-0').getByTestId('top5-row')).toHaveCount(5, { timeout: 30_000 });
    await lab.getByTestId('universal-open').click();
    const card = lab.getByTestId('universal');
    await expect(card).toContainText('added to all 2 images');

    const eps = card.getByTestId('universal-epsilons');
    await eps.fill('0, 4');
    await expect(card.getByTestId('universal-epsilons-message')).toHaveText('“0” is not an ε from 1 to 255 levels.');
    await expect(card.getByTestId('universal-run')).toBeDisabled();

    // A long run, cancelled once it has reported: it ends at once.
    await eps.fill('8');
    await card.getByTestId('universal-iterations').fill('200');
    await eps.press('Enter');
    await expect(card.getByTestId('universal-progress')).toContainText(/iteration [1-9]\d* of 200/, { timeout: 60_000 });
    await card.getByTestId('universal-cancel').click();
    await expect(card.getByTestId('universal-progress')).toHaveText('Cancelled.', { timeout: 20_000 });

    // Two values of ε, one iteration each (a sign step of 2.5·ε).
    await eps.fill('2, 10');
    await card.getByTestId('universal-iterations').fill('1');
    await card.getByTestId('universal-run').click();
    await expect(card.getByTestId('universal-summary')).toBeVisible({ timeout: 90_000 });
    const curve = JSON.parse((await card.getByTestId('universal-chart').getAttribute('data-value'))!) as { epsilon: number; foolingRate: number }[];
    expect(curve.map((p) => p.epsilon)).toEqual([2, 10]);
    // The ε shown is the largest; its rate is its rows' share.
    await expect(card.getByTestId('universal-shown')).toHaveValue('10');
    const rows = card.getByTestId('universal-row');
    await expect(rows).toHaveCount(2);
    const fooled = await card.locator('[data-testid="universal-row"][data-fooled="true"]').count();
    expect(await numberIn(card.getByTestId('universal-summary'))).toBe(fooled / 2);
    expect(curve[1]!.foolingRate).toBe(fooled / 2);
    await expect(card.getByTestId('universal-perturbation')).toBeVisible();

    // Save PNG: 128 + δ, every value within ε = 10 of 128, and not all 128.
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('universal-save-png').click()]);
    expect(download.suggestedFilename()).toBe('universal-eps10.png');
    const { data, info } = await sharp(readFileSync((await download.path())!)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([224, 224, 3]);
    const deltas = Array.from(data, (v) => v - 128);
    expect(deltas.reduce((m, d) => Math.max(m, Math.abs(d)), 0)).toBeLessThanOrEqual(10);
    expect(deltas.some((d) => d !== 0)).toBe(true);

    // CSV: the settings as comment lines, then a row per ε and image, as the table shows them.
    const [csv] = await Promise.all([page.waitForEvent('download'), card.getByTestId('universal-save-csv').click()]);
    expect(csv.suggestedFilename()).toBe('universal-perturbation.csv');
    const lines = readFileSync((await csv.path())!, 'utf8').trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('# ')).map((l) => l.split(':')[0])).toEqual(['# app', '# lab', '# made', '# model', '# images', '# epsilons', '# iterations', '# backend']);
    const table = lines.filter((l) => !l.startsWith('# '));
    expect(table[0]).toBe('epsilon,iterations,step,fooling_rate,image,original_class,original_p,class_with_delta,p_with_delta,fooled');
    expect(table).toHaveLength(1 + 2 * 2);
    const atTen = table.slice(1).filter((l) => l.startsWith('10,'));
    expect(atTen.map((l) => l.endsWith(',true')).filter(Boolean)).toHaveLength(fooled);
    await screenshot(page, 'adversarial-universal');

    // A session keeps it: after a reload, opening the file shows the same result again.
    const summary = await card.getByTestId('universal-summary').textContent();
    const [session] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-session').click()]);
    const file = (await session.path())!;
    await page.reload();
    await page.getByTestId('tab-adversarial').click();
    await expect(lab.getByTestId('model-ready')).toContainText('MobileNet v1 0.75', { timeout: 30_000 });
    await expect(lab.getByTestId('universal')).toHaveCount(0);
    await page.getByTestId('session-input').setInputFiles(file);
    await expect(page.getByTestId('engine-notice')).toContainText('Opened');
    await expect(card.getByTestId('universal-summary')).toHaveText(summary!);
    await expect(card.getByTestId('universal-row')).toHaveCount(2);
    await expect(card.getByTestId('universal-shown')).toHaveValue('10');
    await expect(card.getByTestId('universal-epsilons')).toHaveValue('2, 10');
    await expect(card.getByTestId('universal-iterations')).toHaveValue('1');
    await expect(card.getByTestId('universal-perturbation')).toBeVisible();
    await screenshot(page, 'adversarial-universal-reopened');
  });
});
