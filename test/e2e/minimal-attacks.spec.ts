/**
 * DeepFool and Carlini–Wagner in the Adversarial lab, in Chromium against the real MobileNet
 * v1 0.75: pick them in the lane editor, set their own parameters, run on a dropped cat, and
 * read the smallest change each found (of the 8-bit image) with the method's own figures.
 */
import type { Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { dragBinaryFiles, expect, inPanel, numberIn, SAMPLE_IMAGES, screenshot, test } from './lab-fixture';

const CAT = path.join(SAMPLE_IMAGES, 'img_1.jpg');
const RUN_TIMEOUT = 150_000;

async function openWithCat(page: Page): Promise<Locator> {
  await page.getByTestId('tab-adversarial').click();
  const lab = inPanel(page, 'adversarial');
  await expect(lab.getByTestId('model-ready')).toContainText('MobileNet v1 0.75', { timeout: 30_000 });
  const file = { name: 'img_1.jpg', bytes: readFileSync(CAT), type: 'image/jpeg' };
  await dragBinaryFiles(page, 'dragenter', [file]);
  await dragBinaryFiles(page, 'drop', [file]);
  await expect(lab.getByTestId('lane-view-0').getByTestId('top5-row')).toHaveCount(5);
  return lab;
}

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

test.describe('minimal-perturbation attacks', () => {
  test.describe.configure({ timeout: 300_000 });

  test('DeepFool and C&W lanes: their parameters in the editor, the smallest change they find, and their own figures', async ({ lab: page }) => {
    const lab = await openWithCat(page);
    await lab.getByTestId('lane-method-0').selectOption('deepfool');
    await lab.getByTestId('lane-method-1').selectOption('cw-l2');
    // Neither has a budget: no ε or step; their own parameters instead.
    for (const i of [0, 1]) {
      await expect(lab.getByTestId(`lane-${i}-epsilon`)).toHaveCount(0);
      await expect(lab.getByTestId(`lane-${i}-minimal-note`)).toBeVisible();
    }
    await expect(lab.getByTestId('lane-0-param-overshoot')).toHaveValue('0.02');
    await setField(lab, 'lane-0-param-candidates', '3');
    await expect(lab.getByTestId('lane-1-param-c')).toHaveValue('0.001');
    await setField(lab, 'lane-1-iterations', '4');
    await setField(lab, 'lane-1-param-searchSteps', '2');
    await expect(lab.getByTestId('lane-1-minimal-note')).toContainText('4 Adam steps × 2 values of c');
    // A bad value is refused beside its field.
    await setField(lab, 'lane-1-param-kappa', '-1');
    await expect(lab.getByTestId('lane-1-param-kappa-message')).toContainText('at least 0');
    await setField(lab, 'lane-1-param-kappa', '0');
    // Both aim at "not current" here (the cat's own class is what they leave); the editor says what that means for them.
    await lab.getByTestId('lane-0-target-untargeted').click();
    await lab.getByTestId('lane-1-target-untargeted').click();
    await expect(lab.getByTestId('lane-0-target-note')).toHaveText('the nearest class that is not the current one');

    await lab.getByTestId('run').click();
    const deepfool = lab.getByTestId('lane-view-0');
    const cw = lab.getByTestId('lane-view-1');
    await expect(deepfool.getByTestId('lane-status')).toHaveText('done', { timeout: RUN_TIMEOUT });
    await expect(cw.getByTestId('lane-status')).toHaveText('done', { timeout: RUN_TIMEOUT });
    // DeepFool stops at the first step whose 8-bit image crosses; its change is small in L2.
    await expect(deepfool.getByTestId('lane-success')).toHaveAttribute('data-value', 'true');
    expect(await numberIn(deepfool.getByTestId('lane-step'))).toBeLessThanOrEqual(5);
    const l2 = await numberIn(deepfool.getByTestId('dist-l2'));
    expect(l2).toBeGreaterThan(0);
    expect(l2).toBeLessThan(60);
    await expect(deepfool.getByTestId('lane-detail')).toContainText('to survive 8-bit rounding');
    // C&W ran both rounds and says which c worked.
    expect(await numberIn(cw.getByTestId('lane-step'))).toBe(8);
    await expect(cw.getByTestId('lane-detail')).toContainText('round 2');
    await screenshot(page, 'adversarial-deepfool-cw');
  });
});
