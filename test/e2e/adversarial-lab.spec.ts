/**
 * The Adversarial lab in Chromium against the real MobileNet v1 0.75 in ../shared/models (the
 * webServer gets DESCENT_MODELS_DIR): drop a photo, attack it in two lanes, save the result,
 * refuse a corrupt file, and tabulate an attack over the five sample photos. A MobileNet step is
 * about 0.6 s per lane on wasm here, so runs are kept to a few steps.
 */
import type { Locator, Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dragBinaryFiles, expect, inPanel, numberIn, relayEngine, SAMPLE_IMAGES, screenshot, test } from './lab-fixture';

const CAT = path.join(SAMPLE_IMAGES, 'img_1.jpg');
const RUN_TIMEOUT = 60_000;

async function openAdversarial(page: Page): Promise<Locator> {
  await page.getByTestId('tab-adversarial').click();
  const lab = inPanel(page, 'adversarial');
  await expect(lab.getByTestId('model-ready')).toContainText('MobileNet v1 0.75', { timeout: 30_000 });
  return lab;
}

async function dropImage(page: Page, name: string, bytes: Uint8Array, type = 'image/jpeg'): Promise<void> {
  await dragBinaryFiles(page, 'dragenter', [{ name, bytes, type }]);
  await dragBinaryFiles(page, 'drop', [{ name, bytes, type }]);
}

async function setField(lab: Locator, testId: string, value: string): Promise<void> {
  const field = lab.getByTestId(testId);
  await field.fill(value);
  await field.press('Enter');
}

test.describe('adversarial lab', () => {
  test.describe.configure({ timeout: 120_000 });

  test('should open with the sample cat and dog, attack the cat at once, and give them up for your own photos', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    const thumbs = lab.getByTestId('image-thumb');
    await expect(thumbs).toHaveCount(2);
    await expect(thumbs.nth(0)).toHaveAttribute('data-name', 'chelsea-the-cat.jpg');
    await expect(thumbs.nth(1)).toHaveAttribute('data-name', 'dog-on-a-porch.jpg');
    await expect(lab.getByTestId('selected-name')).toHaveText('chelsea-the-cat.jpg');
    // The step-0 verdict: a cat, so the first lane's default target becomes "dog".
    const signed = lab.getByTestId('lane-view-0');
    await expect(signed.getByTestId('top5-row')).toHaveCount(5);
    expect(await numberIn(signed.getByTestId('cat-bar'))).toBeGreaterThan(0.8);
    await expect(lab.getByTestId('image-verdict')).toContainText('Model: Egyptian cat');
    await screenshot(page, 'adversarial-samples');
    // Run works at once: one step in every lane.
    await lab.getByTestId('step').click();
    await expect(signed.getByTestId('lane-step')).toHaveAttribute('data-value', '1', { timeout: RUN_TIMEOUT });

    // The user's own photo takes the samples' place; an emptied list offers them again.
    await dropImage(page, 'img_1.jpg', readFileSync(CAT));
    await expect(thumbs).toHaveCount(1);
    await expect(thumbs.first()).toHaveAttribute('data-name', 'img_1.jpg');
    await thumbs.first().hover();
    await lab.getByRole('button', { name: 'Remove img_1.jpg' }).click();
    await expect(thumbs).toHaveCount(0);
    await lab.getByTestId('sample-images').click();
    await expect(thumbs).toHaveCount(2);
  });

  test('should turn a dropped cat into a dog with signed steps beside untargeted PGD, and save the PNG', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    await dropImage(page, 'img_1.jpg', readFileSync(CAT));
    await expect(lab.getByTestId('image-thumb')).toHaveCount(1);
    await expect(lab.getByTestId('selected-name')).toHaveText('img_1.jpg');
    await expect(lab.getByTestId('crop-rect')).toBeVisible();

    // Choosing the image starts a paused run at step 0: both lanes show the model's verdict.
    const signed = lab.getByTestId('lane-view-0');
    const pgd = lab.getByTestId('lane-view-1');
    await expect(signed.getByTestId('top5-row')).toHaveCount(5);
    await expect(pgd.getByTestId('top5-row')).toHaveCount(5);
    // Nothing has run: the lanes are ready, with no Resume to press.
    for (const lane of [signed, pgd]) await expect(lane.getByTestId('lane-status')).toHaveText('ready');
    await expect(lab.getByTestId('pause')).toBeDisabled();
    expect(await numberIn(signed.getByTestId('cat-bar'))).toBeGreaterThan(0.5);
    const originalTop = await signed.getByTestId('top5-row').first().getAttribute('data-label');
    await expect(lab.getByTestId('image-verdict')).toContainText(`Model: ${originalTop}`);
    await screenshot(page, 'adversarial-cat');
    const adversarial = signed.getByTestId('adv-adversarial');
    const before = await adversarial.screenshot();

    // → takes one step of the paused run in every lane.
    await page.keyboard.press('ArrowRight');
    await expect(signed.getByTestId('lane-step')).toHaveAttribute('data-value', '1', { timeout: RUN_TIMEOUT });
    await expect(pgd.getByTestId('lane-step')).toHaveAttribute('data-value', '1');
    expect(await numberIn(signed.getByTestId('dist-linf'))).toBe(1);

    // Run starts afresh from the original: ten signed steps towards "dog", ten PGD steps away from the cat.
    await lab.getByTestId('run').click();
    await expect(signed.getByTestId('lane-status')).toHaveText('done', { timeout: RUN_TIMEOUT });
    await expect(pgd.getByTestId('lane-status')).toHaveText('done', { timeout: RUN_TIMEOUT });
    expect(await numberIn(signed.getByTestId('lane-step'))).toBeLessThanOrEqual(10);
    // The article: a handful of one-level steps and the model is sure it sees a dog.
    expect(await numberIn(signed.getByTestId('dog-bar'))).toBeGreaterThan(0.9);
    await expect(signed.getByTestId('lane-success')).toHaveAttribute('data-value', 'true');
    const dogTop = await signed.getByTestId('top5-row').first().getAttribute('data-label');
    expect(dogTop).not.toBe(originalTop);
    const linf = await numberIn(signed.getByTestId('dist-linf'));
    expect(linf).toBeGreaterThan(0);
    expect(linf).toBeLessThanOrEqual(10);
    expect(await numberIn(signed.getByTestId('dist-ssim'))).toBeGreaterThan(0.8);
    expect(await numberIn(signed.getByTestId('dist-l0'))).toBeGreaterThan(0);
    // PGD stays inside its ε = 4 ball and moves the top class off the cat.
    await expect(pgd.getByTestId('lane-success')).toHaveAttribute('data-value', 'true');
    expect(await numberIn(pgd.getByTestId('dist-linf'))).toBeLessThanOrEqual(4);
    expect(await pgd.getByTestId('top5-row').first().getAttribute('data-label')).not.toBe(originalTop);
    expect(Buffer.compare(before, await adversarial.screenshot())).not.toBe(0);

    // The magnifier: hovering one image enlarges the same pixels in all three.
    const box = (await adversarial.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.4);
    await screenshot(page, 'adversarial-dog');

    // Save PNG: the engine's PNG of the lane's current image.
    const [download] = await Promise.all([page.waitForEvent('download'), signed.getByTestId('save-png').click()]);
    expect(download.suggestedFilename()).toMatch(/^img_1-signed-step\d+\.png$/);
    const png = readFileSync(await download.path());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    // Loading that PNG back, the model sees what the lane reported.
    const dogP = await numberIn(signed.getByTestId('top5-row').first());
    // Dropped after an attack ran, it is added beside the run, which stays; a click attacks it.
    await dropImage(page, 'saved.png', png, 'image/png');
    await expect(lab.getByTestId('image-note')).toContainText('the attack on img_1.jpg is kept');
    await expect(lab.getByTestId('selected-name')).toHaveText('img_1.jpg');
    expect(await numberIn(signed.getByTestId('lane-step'))).toBeGreaterThan(0);
    await lab.locator('[data-testid="image-thumb"][data-name="saved.png"] .adv-thumb-button').click();
    await expect(lab.getByTestId('image-note')).toHaveCount(0);
    await expect(lab.getByTestId('selected-name')).toHaveText('saved.png');
    await expect(lab.getByTestId('image-verdict')).toContainText(`Model: ${dogTop}`);
    await expect(signed.getByTestId('lane-step')).toHaveAttribute('data-value', '0');
    expect(await numberIn(signed.getByTestId('top5-row').first())).toBeCloseTo(dogP, 5);
  });

  test('should refuse a corrupt image with the engine’s message and change nothing', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    await dropImage(page, 'img_1.jpg', readFileSync(CAT));
    await expect(lab.getByTestId('selected-name')).toHaveText('img_1.jpg');
    await expect(lab.getByTestId('lane-view-0').getByTestId('top5-row')).toHaveCount(5);
    const top = await lab.getByTestId('lane-view-0').getByTestId('top5-row').first().getAttribute('data-label');

    await dropImage(page, 'broken.jpg', new Uint8Array(randomBytes(4096)));
    await expect(page.getByTestId('error')).toContainText('Could not open broken.jpg');
    await screenshot(page, 'adversarial-corrupt');
    await expect(lab.getByTestId('image-thumb')).toHaveCount(1);
    await expect(lab.getByTestId('selected-name')).toHaveText('img_1.jpg');
    await expect(lab.getByTestId('lane-view-0').getByTestId('top5-row').first()).toHaveAttribute('data-label', top!);
    await expect(lab.getByTestId('lane-view-0').getByTestId('lane-step')).toHaveAttribute('data-value', '0');
  });

  test('should show a lane removed while the step-0 preview starts as gone, and leave a real run’s lanes until Run', async ({ lab: page }) => {
    // The engine's answers to the lab's runs wait in the test, so the page acts while they start.
    const relay = await relayEngine(page);
    relay.hold('adversarial');
    await page.reload();
    const lab = await openAdversarial(page);
    await expect.poll(() => relay.starts('adversarial')).toBe(1);
    await expect(lab.getByTestId('lane-view-1').getByTestId('lane-status')).toHaveText('starting');
    // The preview of both lanes is on its way: the removed lane's card must go, by a fresh preview.
    await lab.getByTestId('lane-remove-0').click();
    await expect(lab.getByTestId('lane-1')).toHaveCount(0);
    relay.release();
    const only = lab.getByTestId('lane-view-0');
    await expect(only.getByTestId('lane-status')).toHaveText('ready', { timeout: RUN_TIMEOUT });
    await expect(lab.getByTestId('lane-view-1')).toHaveCount(0);
    await expect(only.locator('.adv-lane-title')).toContainText('PGD');
    // One preview more, not a loop of them.
    expect(relay.starts('adversarial')).toBe(2);

    // A real run: a lane added while it starts waits for the next Run.
    await setField(lab, 'lane-0-iterations', '2');
    relay.hold('adversarial');
    await lab.getByTestId('run').click();
    await expect.poll(() => relay.starts('adversarial')).toBe(3);
    await lab.getByTestId('add-lane').click();
    await expect(lab.getByTestId('lane-1')).toBeVisible();
    relay.release();
    await expect(only.getByTestId('lane-status')).toHaveText('done', { timeout: RUN_TIMEOUT });
    await expect(only.getByTestId('lane-step')).toHaveAttribute('data-value', '2');
    await expect(lab.getByTestId('lane-view-1')).toHaveCount(0);
    await expect(lab.getByTestId('pending-changes')).toBeVisible();
    expect(relay.starts('adversarial')).toBe(3);
  });

  test('should tabulate the lane’s attack over the five sample photos with a success rate and its settings', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    const files = ['img_0.jpg', 'img_1.jpg', 'img_2.jpg', 'img_3.jpg', 'img_4.jpg'].map((f) => path.join(SAMPLE_IMAGES, f));
    await lab.getByTestId('images-input').setInputFiles(files);
    await expect(lab.getByTestId('image-thumb')).toHaveCount(5);
    // Untargeted PGD (the second default lane) first, stopping once the top class has moved.
    await lab.getByTestId('lane-remove-0').click();
    await setField(lab, 'lane-0-iterations', '4');
    await lab.getByTestId('lane-0-stop').check();
    await setField(lab, 'lane-0-stop-at', '50');
    await lab.getByTestId('batch-run').click();
    await expect(lab.getByTestId('batch-progress')).toBeVisible();
    await expect(lab.getByTestId('batch-summary')).toContainText('Success rate', { timeout: 90_000 });
    await expect(lab.getByTestId('batch-row')).toHaveCount(5);
    const rate = await numberIn(lab.getByTestId('batch-summary'));
    expect(rate).toBeGreaterThan(0.5);
    await expect(lab.getByTestId('batch-rate')).toHaveText(`${Math.round(rate * 100)}%`);
    await screenshot(page, 'adversarial-folder');

    const [download] = await Promise.all([page.waitForEvent('download'), lab.getByTestId('batch-csv').click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    // The attack's settings first, as comment lines; then a row per image (and lane: one here).
    const card = csv.filter((l) => l.startsWith('# '));
    expect(card).toContainEqual(expect.stringMatching(/^# lanes: \[\{.*"method":"pgd"/));
    expect(card).toContainEqual(expect.stringMatching(/^# images: \["img_0.jpg",.*"img_4.jpg"\]$/));
    const rows = csv.filter((l) => !l.startsWith('#'));
    expect(rows[0]).toMatch(/^image,lane,original_class,/);
    expect(rows.slice(1).map((l) => l.split(',')[0])).toEqual(['img_0.jpg', 'img_1.jpg', 'img_2.jpg', 'img_3.jpg', 'img_4.jpg']);
  });

  test('should cancel "Attack every image" within a step, keeping the rows so far', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    await lab.getByTestId('images-input').setInputFiles(['img_0.jpg', 'img_1.jpg', 'img_2.jpg'].map((f) => path.join(SAMPLE_IMAGES, f)));
    await expect(lab.getByTestId('image-thumb')).toHaveCount(3);
    // One lane of 1,000 signed steps: minutes per image, so only Cancel can end it now.
    await lab.getByTestId('lane-remove-1').click();
    await setField(lab, 'lane-0-iterations', '1000');
    await lab.getByTestId('batch-run').click();
    await expect(lab.getByTestId('batch-progress')).toContainText('0 of 3 done');
    await lab.getByTestId('batch-cancel').click();
    await expect(lab.getByTestId('batch-summary')).toContainText('Cancelled after 0 of 3.', { timeout: 10_000 });
    await expect(lab.getByTestId('batch-row')).toHaveCount(0);
    await screenshot(page, 'adversarial-folder-cancelled');
    // The pool is free again: a short batch goes through.
    await lab.getByTestId('batch-close').click();
    await setField(lab, 'lane-0-iterations', '1');
    await lab.getByTestId('batch-run').click();
    await expect(lab.getByTestId('batch-summary')).toContainText('Success rate', { timeout: 90_000 });
    await expect(lab.getByTestId('batch-row')).toHaveCount(3);
  });

    test('should aim the default lane by the first verdict: a dog becomes a cat, a cat a dog, with no success figure before a step', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    const first = lab.getByTestId('lane-view-0');
    await dropImage(page, 'img_0.jpg', readFileSync(path.join(SAMPLE_IMAGES, 'img_0.jpg')));
    await expect(lab.getByTestId('lane-0-target-cat')).toHaveAttribute('aria-pressed', 'true', { timeout: RUN_TIMEOUT });
    await expect(first.getByTestId('lane-status')).toHaveText('ready', { timeout: RUN_TIMEOUT });
    await expect(first.locator('.adv-lane-title')).toContainText('→ cat');
    await expect(first.getByTestId('target-confidence')).toHaveText('—');
    await screenshot(page, 'adversarial-dog-default-target');
    // The cat photo turns it back towards dog; a target the user picks stays.
    await dropImage(page, 'img_1.jpg', readFileSync(CAT));
    await expect(lab.getByTestId('lane-0-target-dog')).toHaveAttribute('aria-pressed', 'true', { timeout: RUN_TIMEOUT });
    await expect(first.locator('.adv-lane-title')).toContainText('→ dog', { timeout: RUN_TIMEOUT });
    await lab.getByTestId('lane-0-target-untargeted').click();
    await lab.getByTestId('image-thumb').first().click();
    await expect(first.getByTestId('lane-status')).toHaveText('ready', { timeout: RUN_TIMEOUT });
    await expect(lab.getByTestId('lane-0-target-untargeted')).toHaveAttribute('aria-pressed', 'true');
  });

  test('should attack every image with every lane, a row each, and keep the lanes in sight', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    await lab.getByTestId('images-input').setInputFiles(['img_0.jpg', 'img_1.jpg'].map((f) => path.join(SAMPLE_IMAGES, f)));
    await expect(lab.getByTestId('image-thumb')).toHaveCount(2);
    for (const i of [0, 1]) await setField(lab, `lane-${i}-iterations`, '1');
    await expect(lab.getByTestId('batch-run')).toContainText('with all 2 lanes');
    await lab.getByTestId('batch-run').click();
    await expect(lab.getByTestId('batch-summary')).toBeVisible({ timeout: 90_000 });
    await expect(lab.getByTestId('lane-view-1')).toBeVisible();
    await expect(lab.getByTestId('batch-row')).toHaveCount(4);
    await expect(lab.getByTestId('batch-rate')).toHaveCount(2);
    await screenshot(page, 'adversarial-folder-every-lane');
  });

  test('should open a model folder the user picks and use it', async ({ lab: page }) => {
    const lab = await openAdversarial(page);
    // The folder as a browser hands it over (webkitdirectory): every file with its relative path.
    await lab.getByTestId('model-folder-input').setInputFiles(path.join(SAMPLE_IMAGES, '../../models/darknet-tiny'));
    await expect(lab.getByTestId('model-ready')).toContainText('Darknet Tiny (ImageNet) ready: 224×224 input, 1000 classes', { timeout: 60_000 });
    await expect(lab.getByTestId('model-select')).toHaveValue(/^folder:/);
    await dropImage(page, 'img_1.jpg', readFileSync(CAT));
    await expect(lab.getByTestId('lane-view-0')).toBeVisible();
    await expect(lab.getByTestId('lane-view-0')).toContainText(/cat|kitten|tabby|Persian|terrier/i, { timeout: RUN_TIMEOUT });
  });

  test('should name a folder model by its folder, list it once, and move targets off cat and dog when it has none', async ({ lab: page }) => {
    // darknet-tiny's weights as a model of the user's own: another model.json (one byte more,
    // so no manifest model's) and labels with no cat or dog classes.
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'descent-e2e-folder-')), 'my-classifier');
    cpSync(path.join(SAMPLE_IMAGES, '../../models/darknet-tiny'), dir, { recursive: true });
    appendFileSync(path.join(dir, 'model.json'), '\n');
    writeFileSync(path.join(dir, 'labels.json'), JSON.stringify(Array.from({ length: 1000 }, (_, i) => `thing ${i}`)));
    try {
      const lab = await openAdversarial(page);
      const options = lab.getByTestId('model-select').locator('option');
      const before = await options.count();
      for (let k = 0; k < 2; k++) {
        await lab.getByTestId('model-folder-input').setInputFiles(dir);
        await expect(lab.getByTestId('model-ready')).toContainText('my-classifier ready: 224×224 input, 1000 classes', { timeout: 60_000 });
      }
      await expect(options).toHaveCount(before + 1);
      await expect(lab.getByTestId('model-select').locator('option:checked')).toHaveText('my-classifier');
      // The default lane aimed at dogs: the model has none, so it attacks "not current" and says so.
      await expect(lab.getByTestId('target-note')).toContainText('no cat and dog classes: lane 1');
      await expect(lab.getByTestId('lane-0-target-untargeted')).toHaveAttribute('aria-pressed', 'true');
      await dropImage(page, 'img_1.jpg', readFileSync(CAT));
      await expect(lab.getByTestId('lane-view-0').getByTestId('lane-status')).toHaveText('ready', { timeout: RUN_TIMEOUT });
      await expect(lab.getByTestId('lane-view-0').getByTestId('top5-row').first()).toContainText('thing');
      await screenshot(page, 'adversarial-own-model-folder');
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});

