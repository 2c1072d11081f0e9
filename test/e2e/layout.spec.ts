/**
 * At 1280×800 (the config's viewport) every drop-down in every lab's sidebar and toolbar is
 * wide enough for each of its options, any text the layout does cut tells its full content
 * on hover (a title), and small text has a contrast of 4.5:1 or more.
 */
import type { Page } from '@playwright/test';
import { dragBinaryFiles, expect, inPanel, SAMPLE_IMAGES, screenshot, test } from './lab-fixture';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

type Lab = 'regression' | 'spread' | 'adversarial' | 'surface';

/** Per visible select: the options whose text (plus ~26 px of padding and arrow) is wider than the box. Written as a string: no DOM types on this side. */
async function cutOptions(page: Page, lab: Lab): Promise<string[]> {
  return page.evaluate(`(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    const cut = [];
    for (const select of document.querySelectorAll('#panel-${lab} select')) {
      if (select.offsetParent === null) continue;
      const style = getComputedStyle(select);
      ctx.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
      for (const option of select.options) {
        if (ctx.measureText(option.text).width + 26 > select.clientWidth) cut.push((select.getAttribute('aria-label') || select.dataset.testid) + ': ' + option.text);
      }
    }
    return cut;
  })()`);
}

/** Text cut by its box (wider inside than out) that has no title to read it whole. */
async function cutWithoutTitle(page: Page, lab: Lab): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('#panel-${lab} *')) {
      if (el.offsetParent === null || el.children.length > 0 || !el.textContent.trim()) continue;
      if (el.scrollWidth <= el.clientWidth + 1 || getComputedStyle(el).overflowX === 'visible') continue;
      if (!el.closest('[title]')) out.push(el.textContent.trim());
    }
    return out;
  })()`);
}

/**
 * Small text (under 18 px, or 14 px bold) below 4.5:1 against the first opaque background
 * behind it (WCAG 1.4.3; disabled controls are exempt). Written as a string: no DOM types here.
 */
async function lowContrast(page: Page, lab: Lab): Promise<string[]> {
  return page.evaluate(`(() => {
    const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const backgroundOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || c[3] > 0.5) return c;
      }
      return [255, 255, 255];
    };
    const out = [];
    const walker = document.createTreeWalker(document.querySelector('#panel-${lab}'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.data.trim() || !el || el.offsetParent === null || el.closest(':disabled, [aria-disabled="true"], .drop-overlay')) continue;
      const style = getComputedStyle(el);
      const size = parseFloat(style.fontSize);
      if (size >= 18 || (size >= 14 && Number(style.fontWeight) >= 700)) continue;
      const fg = rgba(style.color);
      const a = fg.length === 4 ? fg[3] * Number(style.opacity) : Number(style.opacity);
      const bg = backgroundOf(el);
      const mixed = fg.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));
      const [hi, lo] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) out.push(n.data.trim().slice(0, 30) + ' (' + ratio.toFixed(2) + ':1, ' + style.color + ')');
    }
    return out;
  })()`);
}

test.describe('layout at 1280×800', () => {
  test('should fit every drop-down option, give cut text a title, and keep small text at 4.5:1, in every lab', async ({ lab: page }) => {
    test.setTimeout(120_000);
    for (const lab of ['regression', 'spread', 'surface', 'adversarial'] as const) {
      await page.getByTestId(`tab-${lab}`).click();
      if (lab === 'adversarial') {
        await expect(inPanel(page, lab).getByTestId('model-ready')).toBeVisible({ timeout: 30_000 });
        const bytes = readFileSync(path.join(SAMPLE_IMAGES, 'img_0.jpg'));
        for (const type of ['dragenter', 'drop'] as const) await dragBinaryFiles(page, type, [{ name: 'img_0.jpg', bytes, type: 'image/jpeg' }]);
        await expect(inPanel(page, lab).getByTestId('lane-view-1').getByTestId('top5-row')).toHaveCount(5, { timeout: 60_000 });
      }
      expect(await cutOptions(page, lab), `${lab}: options cut`).toEqual([]);
      expect(await cutWithoutTitle(page, lab), `${lab}: cut text with no title`).toEqual([]);
      expect(await lowContrast(page, lab), `${lab}: small text under 4.5:1`).toEqual([]);
      await screenshot(page, `layout-${lab}`);
    }
  });

  test('should give the charts the figures they show as text, and say why Add lane is greyed at 8 lanes', async ({ lab: page }) => {
    const lab = inPanel(page, 'regression');
    const chart = lab.getByTestId('loss-chart-host');
    await expect(chart).toHaveAttribute('role', 'img');
    await expect(chart).toHaveAttribute('aria-label', 'loss (MSE) per iteration: no run yet');
    await lab.getByTestId('run').click();
    for (const i of [0, 1, 2]) await expect(lab.getByTestId(`lane-status-${i}`)).toHaveText('done', { timeout: 30_000 });
    const label = (await chart.getAttribute('aria-label'))!;
    // Each lane by name with its last loss, as the readouts give it.
    const names = await lab.getByTestId('legend-lane').allTextContents();
    expect(names).toHaveLength(3);
    for (const name of names) expect(label).toContain(`${name} `);
    expect(label).toMatch(/^loss \(MSE\) per iteration: .* at iteration 50; .* at iteration 50; .* at iteration 50$/);

    const add = lab.getByTestId('add-lane');
    while (await add.isEnabled()) await add.click();
    await expect(lab.getByTestId('lane-7')).toBeVisible();
    await expect(add).toBeDisabled();
    await expect(lab.getByTestId('lane-limit')).toHaveText('8 lanes at most: remove one to add another.');
    await expect(add).toHaveAttribute('title', '8 lanes at most: remove one to add another.');
    await expect(add).toHaveAccessibleDescription('8 lanes at most: remove one to add another.');
  });
});

