import type { Page } from '@playwright/test';
import { builtInData, gradientDescentMse, leastSquaresMse } from '../regression-expected';
import { dragFile, dragFiles, expect, inPanel, numberIn, screenshot, SEED_CSV, test, windowEvent } from './lab-fixture';

test.describe('regression lab', () => {
  test('should load the sample data and show the engine backend', async ({ lab }) => {
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
    await expect(lab.getByTestId('backend')).toBeVisible();
    // The exact answer is known before any run (computed in the renderer from the data).
    const exactMse = await numberIn(inPanel(lab, 'regression').getByTestId('exact-mse'));
    expect(Math.abs(exactMse / leastSquaresMse(builtInData()) - 1)).toBeLessThan(1e-9);
    for (const id of ['scatter', 'loss-chart', 'contour']) await expect(inPanel(lab, 'regression').getByTestId(id)).toBeVisible();
    await expect(inPanel(lab, 'regression').getByTestId('lane-0')).toBeVisible();
    await expect(inPanel(lab, 'regression').getByTestId('lane-2')).toBeVisible();
    await screenshot(lab, 'default-data');
  });

  test('should race the three default optimizers to the least-squares line', async ({ lab }) => {
    const views = ['scatter', 'contour', 'loss-chart'] as const;
    const before = await Promise.all(views.map((v) => inPanel(lab, 'regression').getByTestId(v).screenshot()));
    await inPanel(lab, 'regression').getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('50');
    // What the user sees changed: lines moved on the scatter, paths on the contour, curves on the chart.
    const after = await Promise.all(views.map((v) => inPanel(lab, 'regression').getByTestId(v).screenshot()));
    views.forEach((v, i) => expect(after[i]!.equals(before[i]!), `${v} pixels changed`).toBe(false));

    const exactMse = await numberIn(inPanel(lab, 'regression').getByTestId('exact-mse'));
    // Plain gradient descent is deterministic: its loss after the 50 steps, worked out in float64 (its steps are float32).
    const gdLoss = await numberIn(inPanel(lab, 'regression').getByTestId('lane-loss-0'));
    expect(Math.abs(gdLoss / gradientDescentMse(builtInData(), 2e-5, 50) - 1), 'lane 0 loss against float64 GD').toBeLessThan(1e-6);
    for (const i of [0, 1, 2]) {
      const loss = inPanel(lab, 'regression').getByTestId(`lane-loss-${i}`);
      expect(await numberIn(loss), `lane ${i} loss fell`).toBeLessThan(await numberIn(loss, 'data-start'));
      expect(await numberIn(inPanel(lab, 'regression').getByTestId(`lane-slope-${i}`)), `lane ${i} slope moved`).not.toBe(6.0411);
      expect(await numberIn(inPanel(lab, 'regression').getByTestId(`lane-intercept-${i}`)), `lane ${i} intercept moved`).not.toBe(-180);
    }
    // RMSprop and Adam slide along the valley floor to within a few per cent of the minimum.
    for (const i of [1, 2]) {
      const gap = (await numberIn(inPanel(lab, 'regression').getByTestId(`lane-loss-${i}`))) / exactMse - 1;
      expect(gap, `lane ${i} relative gap to the exact MSE`).toBeLessThan(0.05);
    }
    await screenshot(lab, 'three-optimizers');
  });

  test('should load a CSV from the file picker and from a drop, naming skipped lines', async ({ lab }) => {
    await inPanel(lab, 'regression').getByTestId('csv-input').setInputFiles(SEED_CSV);
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('height_v_weight.csv');
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
    await screenshot(lab, 'csv-picked');

    // A synthetic drag-and-drop of a small file whose line 4 is not a number.
    const csv = 'hours,score\n1,52\n2,55.5\nabc,60\n3,61\n4,66.2\n5,70\n6,71.5\n';
    await dragFile(lab, 'dragenter', 'study.csv', csv);
    await expect(inPanel(lab, 'regression').getByTestId('drop-overlay')).toBeVisible();
    await dragFile(lab, 'drop', 'study.csv', csv);
    await expect(inPanel(lab, 'regression').getByTestId('drop-overlay')).toBeHidden();
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('study.csv');
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('6 rows');
    await expect(inPanel(lab, 'regression').getByTestId('skipped')).toContainText('Skipped 1 row');
    await expect(inPanel(lab, 'regression').getByTestId('skipped')).toContainText('line 4');
    await expect(lab.getByTestId('error')).toHaveCount(0);
    await screenshot(lab, 'csv-dropped');
  });

  test('should show an error for an unusable file and keep the current data', async ({ lab }) => {
    await inPanel(lab, 'regression').getByTestId('csv-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('shopping list\neggs\nmilk\nbread\n'),
    });
    await expect(lab.getByTestId('error')).toBeVisible();
    await expect(lab.getByTestId('error')).toContainText('notes.txt');
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
    await screenshot(lab, 'unusable-file');
  });

  test('should step, pause and reset from the keyboard and the buttons', async ({ lab }) => {
    await inPanel(lab, 'regression').getByTestId('step').click();
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('1');
    await lab.keyboard.press('ArrowRight');
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('2');
    await lab.keyboard.press('r');
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('0');
    // Back at iteration 0 the run is ready, not paused: nothing to resume, Space or Run start it.
    await expect(inPanel(lab, 'regression').getByTestId('pause')).toHaveText(/Pause/);
    await expect(inPanel(lab, 'regression').getByTestId('pause')).toBeDisabled();
    // Space sets the reset run going, to its 50-iteration cap.
    await lab.keyboard.press('Space');
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('50');
    // Settings apply to the next fresh run: add a fourth lane and press Run.
    await inPanel(lab, 'regression').getByTestId('add-lane').click();
    await expect(inPanel(lab, 'regression').getByTestId('lane-3')).toBeVisible();
    await inPanel(lab, 'regression').getByTestId('lane-optimizer-3').selectOption('momentum');
    await inPanel(lab, 'regression').getByTestId('run').click();
    for (const i of [0, 1, 2, 3]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText(/done|diverged/, { timeout: 30_000 });
    await screenshot(lab, 'four-lanes');
  });
});

test.describe('starting line', () => {
  test('should move with a drag on the scatter plot and turn with a shift-drag', async ({ lab }) => {
    const scatter = inPanel(lab, 'regression').getByTestId('scatter');
    const box = (await scatter.boundingBox())!;
    // Find the line the way a user would: move down a column until the cursor offers a grab.
    const findLine = async (x: number, cursor: string): Promise<number> => {
      for (let y = box.y + 4; y < box.y + box.height - 4; y += 3) {
        await lab.mouse.move(x, y);
        if ((await scatter.evaluate((c) => (c as { style: { cursor: string } }).style.cursor)) === cursor) return y;
      }
      throw new Error(`no ${cursor} cursor found at x=${x}`);
    };

    const x = box.x + box.width / 2 + 30;
    const grabY = await findLine(x, 'ns-resize');
    await lab.mouse.down();
    await lab.mouse.move(x, grabY + 40, { steps: 5 });
    await lab.mouse.up();
    await expect(inPanel(lab, 'regression').getByTestId('init-slope')).toHaveValue('6.0411');
    expect(Number(await inPanel(lab, 'regression').getByTestId('init-intercept').inputValue()), 'dragging down lowers the intercept').toBeLessThan(-180);

    await lab.keyboard.down('Shift');
    const rx = box.x + box.width / 2 + 90;
    const rotateY = await findLine(rx, 'grab');
    await lab.mouse.down();
    await lab.mouse.move(rx, rotateY - 50, { steps: 5 });
    await lab.mouse.up();
    await lab.keyboard.up('Shift');
    expect(Number(await inPanel(lab, 'regression').getByTestId('init-slope').inputValue()), 'shift-drag up on the right steepens').toBeGreaterThan(6.0411);
    await screenshot(lab, 'dragged-start-line');
  });

  test('should move with a click on the loss contour, in data units or, normalising, on the standardised bowl', async ({ lab }) => {
    const panel = inPanel(lab, 'regression');
    const contour = panel.getByTestId('contour');
    const box = (await contour.boundingBox())!;
    const start = async () => [Number(await panel.getByTestId('init-slope').inputValue()), Number(await panel.getByTestId('init-intercept').inputValue())] as const;
    // The map's x axis is the slope and its y axis the intercept: a click right and up of
    // another gives a steeper line with a higher intercept.
    await contour.click({ position: { x: box.width * 0.3, y: box.height * 0.7 } });
    const [s1, i1] = await start();
    await contour.click({ position: { x: box.width * 0.7, y: box.height * 0.3 } });
    const [s2, i2] = await start();
    expect(s2).toBeGreaterThan(s1);
    expect(i2).toBeGreaterThan(i1);
    // A drag moves it as it goes.
    await lab.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await lab.mouse.down();
    await lab.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5, { steps: 4 });
    await lab.mouse.up();
    const [s3] = await start();
    expect(s3).not.toBe(s2);

    await panel.getByTestId('normalize').check();
    await expect(panel.getByText('of the standardised data')).toBeVisible();
    await screenshot(lab, 'contour-normalised');
    await contour.click({ position: { x: box.width * 0.3, y: box.height * 0.5 } });
    const [s4] = await start();
    await contour.click({ position: { x: box.width * 0.7, y: box.height * 0.5 } });
    const [s5] = await start();
    expect(s5).toBeGreaterThan(s4);
  });
});

test.describe('long runs', () => {
  test('should run flat out with normalise on and keep every lane on the chart', async ({ lab }) => {
    // 10,000 iterations of three lanes flat out: a few seconds alone, far longer on a loaded machine.
    test.setTimeout(150_000);
    await inPanel(lab, 'regression').getByTestId('normalize').check();
    await inPanel(lab, 'regression').getByTestId('speed').selectOption('0');
    await inPanel(lab, 'regression').getByTestId('max-iterations').fill('10000');
    await inPanel(lab, 'regression').getByTestId('lane-0-learningRate').fill('0.1');
    await inPanel(lab, 'regression').getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 120_000 });
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('10000');
    // On the round bowl plain GD with a sensible rate reaches the minimum too.
    const exactMse = await numberIn(inPanel(lab, 'regression').getByTestId('exact-mse'));
    expect((await numberIn(inPanel(lab, 'regression').getByTestId('lane-loss-0'))) / exactMse - 1).toBeLessThan(1e-3);
    await screenshot(lab, 'normalised-long-run');
  });

  test('should mark a lane that blows up as diverged and keep drawing the others', async ({ lab }) => {
    // On raw heights a rate of 0.01 overshoots the slope a little more every step.
    await inPanel(lab, 'regression').getByTestId('lane-0-learningRate').fill('0.01');
    await inPanel(lab, 'regression').getByTestId('max-iterations').fill('400');
    await inPanel(lab, 'regression').getByTestId('speed').selectOption('0');
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-0')).toHaveText('diverged', { timeout: 30_000 });
    for (const i of [1, 2]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });
    // Its non-finite numbers all read the same way, not −∞ beside —.
    for (const cell of ['loss', 'gap', 'slope', 'intercept']) {
      await expect(inPanel(lab, 'regression').getByTestId(`lane-${cell}-0`), cell).toHaveText(/^(—|-?[\d.e+-]+)$/);
      await expect(inPanel(lab, 'regression').getByTestId(`lane-${cell}-0`), cell).not.toHaveText(/∞/);
    }
    await screenshot(lab, 'diverged-lane');
  });
});

test.describe('pacing', () => {
  test('should hold a paced run to its speed, step it one iteration at a time, and speed up to max mid-run', async ({ lab }) => {
    const panel = inPanel(lab, 'regression');
    const iteration = panel.getByTestId('iteration');
    // 1000 iterations at 10 it/s take 100 s: the run moves, and is nowhere near the cap when paused.
    // (run.test.ts checks the pacing arithmetic on a fake clock; here, that the setting reaches it.)
    await panel.getByTestId('speed').selectOption('10');
    await panel.getByTestId('max-iterations').fill('1000');
    await panel.getByTestId('run').click();
    await expect.poll(() => numberIn(iteration), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await panel.getByTestId('pause').click();
    await expect(panel.getByTestId('lane-status-0')).toHaveText('paused');
    const paused = await numberIn(iteration);
    expect(paused, 'paced, not flat out').toBeLessThan(1000);
    // Counted through the engine's own step control: each Step is exactly one iteration.
    for (const k of [1, 2, 3]) {
      await panel.getByTestId('step').click();
      await expect(iteration).toHaveText(String(paused + k));
    }
    await panel.getByTestId('pause').click();
    await expect(panel.getByTestId('lane-status-0')).toHaveText('running');
    await panel.getByTestId('speed').selectOption('0');
    await expect(iteration).toHaveText('1000', { timeout: 10_000 });
    for (const i of [0, 1, 2]) await expect(panel.getByTestId(`lane-status-${i}`)).toHaveText(/done|diverged/);
    await expect(lab.getByTestId('error')).toHaveCount(0);
  });

  test('should replace a paused run with a fresh one on Run', async ({ lab }) => {
    // One step at a time: a second Step pressed right after the first was lost once in a full
    // run (iteration stayed 1), not reproduced in five more; a UI race still to find (issue notes).
    await inPanel(lab, 'regression').getByTestId('step').click();
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('1');
    await inPanel(lab, 'regression').getByTestId('step').click();
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('2');
    await inPanel(lab, 'regression').getByTestId('speed').selectOption('0');
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
    await expect(inPanel(lab, 'regression').getByTestId('iteration')).toHaveText('50');
    await expect(lab.getByTestId('error')).toHaveCount(0);
  });
});

test.describe('legend', () => {
  const legendLanes = (lab: Page) => inPanel(lab, 'regression').getByTestId('legend').getByTestId('legend-lane');

  test('should follow the settings before a run and the drawn lanes after one', async ({ lab }) => {
    const legend = legendLanes(lab);
    await expect(legend).toHaveCount(3);
    const runLabels = await legend.allTextContents();
    expect(runLabels[0]).toMatch(/^Gradient descent/);

    // Before any run the legend is the settings: a new lane shows at once, and so does removing it.
    await inPanel(lab, 'regression').getByTestId('add-lane').click();
    await expect(legend).toHaveCount(4);
    await inPanel(lab, 'regression').getByTestId('lane-remove-3').click();
    await expect(legend).toHaveText(runLabels);

    await inPanel(lab, 'regression').getByTestId('speed').selectOption('0');
    await inPanel(lab, 'regression').getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });

    // After the run, editing the lanes changes the next run, not the key to the lines drawn.
    await inPanel(lab, 'regression').getByTestId('lane-remove-1').click();
    await inPanel(lab, 'regression').getByTestId('lane-0-learningRate').fill('0.00001');
    await expect(inPanel(lab, 'regression').getByTestId('lane-2')).toHaveCount(0);
    await expect(legend).toHaveText(runLabels);
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-2')).toBeVisible();
    await screenshot(lab, 'legend-after-edit');

    // The next run draws the two lanes left, and the legend says so.
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-1')).toHaveText('done', { timeout: 30_000 });
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-2')).toHaveCount(0);
    await expect(legend).toHaveText(['Gradient descent (lr 0.00001)', runLabels[2]!]);
  });
});

test.describe('number fields', () => {
  test('should never keep an intermediate value, and say what was kept', async ({ lab }) => {
    const rate = inPanel(lab, 'regression').getByTestId('lane-2-learningRate');
    const legend = inPanel(lab, 'regression').getByTestId('legend').getByTestId('legend-lane');
    await expect(legend.nth(2)).toHaveText(/lr 0\.1\)/);
    // Typed key by key, 5, 50 and 500 are in range on the way to 5000 (the maximum is 1000).
    await rate.click();
    await rate.press('ControlOrMeta+a');
    await rate.pressSequentially('5000');
    await expect(rate).toHaveAttribute('aria-invalid', 'true');
    const message = inPanel(lab, 'regression').getByTestId('lane-2-learningRate-message');
    await expect(message).toBeVisible();
    await expect(message).toContainText('must be at most 1000');
    await expect(message).toContainText('a run uses 0.1');
    await expect(rate).toHaveAttribute('aria-describedby', (await message.getAttribute('id'))!);
    // The settings (shown in the legend before a run) hold the old value, not 500.
    await expect(legend.nth(2)).toHaveText(/lr 0\.1\)/);
    await screenshot(lab, 'number-field-invalid');

    // Run while it is invalid: the field goes back to 0.1 and says so; the run uses 0.1.
    await inPanel(lab, 'regression').getByTestId('speed').selectOption('0');
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(rate).toHaveValue('0.1');
    await expect(rate).toHaveAttribute('aria-invalid', 'false');
    await expect(message).toContainText('“5000” must be at most 1000; kept 0.1');
    for (const i of [0, 1, 2]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });
    await expect(legend.nth(2)).toHaveText(/lr 0\.1\)/);
    await screenshot(lab, 'number-field-kept');

    // Hex is not a plain decimal; Enter ends the edit like blur does.
    const seed = inPanel(lab, 'regression').getByTestId('seed');
    await seed.fill('0x10');
    await expect(inPanel(lab, 'regression').getByTestId('seed-message')).toContainText('not a number');
    await seed.press('Enter');
    await expect(seed).toHaveValue('1');
    await expect(inPanel(lab, 'regression').getByTestId('seed-message')).toContainText('kept 1');
    // A valid entry is used exactly as typed, and clears the note.
    await rate.fill('0.05');
    await expect(message).toHaveCount(0);
    // (After a run the legend keys the lines drawn; the note says the edit waits for Run.)
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toBeVisible();
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(legend.nth(2)).toHaveText(/lr 0\.05\)/);
  });
});

test.describe('mid-run edits', () => {
  test('should say that settings changed during a run apply on Run, and show paused lanes', async ({ lab }) => {
    await inPanel(lab, 'regression').getByTestId('speed').selectOption('10');
    await inPanel(lab, 'regression').getByTestId('max-iterations').fill('1000');
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-0')).toHaveText('running');
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toHaveCount(0);
    // Speed applies at once, so it is no pending change.
    await inPanel(lab, 'regression').getByTestId('speed').selectOption('60');
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toHaveCount(0);
    await inPanel(lab, 'regression').getByTestId('add-lane').click();
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toHaveText('Changes apply when you press Run');
    await inPanel(lab, 'regression').getByTestId('lane-remove-3').click();
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toHaveCount(0);
    await inPanel(lab, 'regression').getByTestId('seed').fill('7');
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toBeVisible();

    await inPanel(lab, 'regression').getByTestId('pause').click();
    for (const i of [0, 1, 2]) await expect(inPanel(lab, 'regression').getByTestId(`lane-status-${i}`)).toHaveText('paused');
    await screenshot(lab, 'pending-changes-paused');
    await inPanel(lab, 'regression').getByTestId('pause').click();
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-0')).toHaveText('running');

    // A fresh run takes the edits, and the note goes.
    await inPanel(lab, 'regression').getByTestId('stop').click();
    await inPanel(lab, 'regression').getByTestId('max-iterations').fill('20');
    await inPanel(lab, 'regression').getByTestId('run').click();
    await expect(inPanel(lab, 'regression').getByTestId('pending-changes')).toHaveCount(0);
    await expect(inPanel(lab, 'regression').getByTestId('lane-status-0')).toHaveText('done', { timeout: 10_000 });
  });
});

test.describe('dropping files', () => {
  const csv = 'hours,score\n1,52\n2,55.5\n3,61\n4,66.2\n5,70\n';

  test('should open the first table of several dropped files and name it', async ({ lab }) => {
    const files = [
      { name: 'photo.png', text: 'not a table', type: 'image/png' },
      { name: 'study.csv', text: csv, type: 'text/csv' },
      { name: 'other.tsv', text: csv.replace(/,/g, '\t'), type: 'text/tab-separated-values' },
    ];
    await dragFiles(lab, 'dragenter', files);
    await expect(inPanel(lab, 'regression').getByTestId('drop-overlay')).toBeVisible();
    await dragFiles(lab, 'drop', files);
    await expect(inPanel(lab, 'regression').getByTestId('drop-overlay')).toBeHidden();
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('study.csv');
    const notice = inPanel(lab, 'regression').getByTestId('dataset-notice');
    await expect(notice).toContainText('one is opened at a time');
    await expect(notice).toContainText('study.csv was used');
    await expect(notice).toContainText('photo.png, other.tsv');
    await screenshot(lab, 'several-files-dropped');
    // A single file next time: no note.
    await dragFile(lab, 'drop', 'again.csv', csv);
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('again.csv');
    await expect(notice).toHaveCount(0);
  });

  test('should hide the overlay when a drag ends without a dragleave', async ({ lab }) => {
    const overlay = inPanel(lab, 'regression').getByTestId('drop-overlay');
    for (const end of ['dragend', 'blur', 'mousemove'] as const) {
      await dragFile(lab, 'dragenter', 'study.csv', csv);
      await expect(overlay).toBeVisible();
      await windowEvent(lab, end);
      await expect(overlay, `hidden after ${end}`).toBeHidden();
    }
    // And with no event at all once dragover stops coming.
    await dragFile(lab, 'dragenter', 'study.csv', csv);
    await expect(overlay).toBeVisible();
    await expect(overlay).toBeHidden({ timeout: 5_000 });
    await expect(inPanel(lab, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
  });
});
