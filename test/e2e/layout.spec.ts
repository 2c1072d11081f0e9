/**
 * At 1280×800 (the config's viewport) every drop-down in every lab's sidebar and toolbar is
 * wide enough for each of its options, and any text the layout does cut tells its full content
 * on hover (a title).
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

test.describe('layout at 1280×800', () => {
  test('should fit every drop-down option, and give cut text a title, in every lab', async ({ lab: page }) => {
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
      await screenshot(page, `layout-${lab}`);
    }
  });
});
