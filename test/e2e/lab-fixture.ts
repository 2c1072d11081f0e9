/**
 * A page already on the regression lab with the sample data loaded, that fails the test if
 * the page logged an error or broke a CSP rule on the way; plus small readers for the
 * readouts (their data-value attributes hold full-precision numbers), and a relay of the
 * engine's socket that can hold a run's start back.
 */
import { expect, test as base, type Locator, type Page } from '@playwright/test';
import * as path from 'node:path';
import { decodeMessage } from '../../main/protocol/codec';
import { E2E_TOKEN } from './e2e-server';

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-results/screenshots');
export const SEED_CSV = path.resolve(__dirname, '../../../shared/seed-data/height_v_weight.csv');
export const SAMPLE_IMAGES = path.resolve(__dirname, '../../../shared/seed-data/sample_imgs');

export const test = base.extend<{ lab: Page }>({
  lab: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    // As a user opens the address the server printed: the token becomes a cookie, and the page's
    // WebSocket carries it.
    await page.goto(`/?token=${E2E_TOKEN}`);
    await expect(inPanel(page, 'regression').getByTestId('dataset-summary')).toContainText('150 rows');
    await expect(page.getByTestId('backend')).toHaveText(/^(cpu|wasm|tensorflow)$/);
    await use(page);
    expect(problems, 'errors logged by the page').toEqual([]);
  },
});

export { expect };

/** One lab's tab panel: every lab stays mounted, so test ids repeat across panels. */
export function inPanel(page: Page, lab: 'regression' | 'spread' | 'adversarial' | 'surface'): Locator {
  return page.locator(`#panel-${lab}`);
}

export async function numberIn(locator: Locator, attribute = 'data-value'): Promise<number> {
  const v = await locator.getAttribute(attribute);
  if (v === null) throw new Error(`no ${attribute} on ${locator}`);
  return Number(v);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * Dispatches a drag event carrying one file, as a real drag from the desktop would. Written as
 * a string because this project's Node-side tsconfig has no DOM types (and should not).
 */
export async function dragFile(page: Page, type: 'dragenter' | 'drop', name: string, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'text/csv' }));
    document.body.dispatchEvent(new DragEvent(${JSON.stringify(type)}, { dataTransfer: dt, bubbles: true, cancelable: true }));
  })()`);
}

/** Like dragFile, with several files of given MIME types in one drag (in order). */
export async function dragFiles(
  page: Page,
  type: 'dragenter' | 'drop',
  files: readonly { name: string; text: string; type: string }[],
): Promise<void> {
  await page.evaluate(`(() => {
    const dt = new DataTransfer();
    for (const f of ${JSON.stringify(files)}) dt.items.add(new File([f.text], f.name, { type: f.type }));
    document.body.dispatchEvent(new DragEvent(${JSON.stringify(type)}, { dataTransfer: dt, bubbles: true, cancelable: true }));
  })()`);
}

/** Dispatches a plain event on the window (dragend, blur) or a mouse move with no button down. */
export async function windowEvent(page: Page, type: 'dragend' | 'blur' | 'mousemove'): Promise<void> {
  await page.evaluate(`(() => {
    const e = ${JSON.stringify(type)} === 'mousemove' ? new MouseEvent('mousemove', { buttons: 0, bubbles: true }) : new Event(${JSON.stringify(type)});
    (${JSON.stringify(type)} === 'mousemove' ? document.body : window).dispatchEvent(e);
  })()`);
}

/** Like dragFiles, with binary contents (images): each file's bytes travel as base64. */
export async function dragBinaryFiles(
  page: Page,
  type: 'dragenter' | 'drop',
  files: readonly { name: string; bytes: Uint8Array; type: string }[],
): Promise<void> {
  const encoded = files.map((f) => ({ name: f.name, type: f.type, base64: Buffer.from(f.bytes).toString('base64') }));
  await page.evaluate(`(() => {
    const dt = new DataTransfer();
    for (const f of ${JSON.stringify(encoded)}) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    document.body.dispatchEvent(new DragEvent(${JSON.stringify(type)}, { dataTransfer: dt, bubbles: true, cancelable: true }));
  })()`);
}

/** The RGBA of one pixel of a PNG (decoded by the page, which has the decoder). */
export async function pngPixel(page: Page, png: Uint8Array, x: number, y: number): Promise<number[]> {
  return page.evaluate(`(async () => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(Buffer.from(png).toString('base64'))}), (c) => c.charCodeAt(0));
    const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(${Math.round(x)}, ${Math.round(y)}, 1, 1).data);
  })()`);
}

/** A PNG's size, from its IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** A CSS colour as the page computes it (rgb(r, g, b)) as numbers. */
export function rgbOf(css: string): number[] {
  return (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
}

/** The page's getComputedStyle, typed here: this project's Node-side tsconfig has no DOM types. */
type PageWindow = { getComputedStyle(el: unknown): { backgroundColor: string } };

/** An element's computed background colour as numbers. */
export async function backgroundOf(locator: Locator): Promise<number[]> {
  return rgbOf(await locator.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).backgroundColor));
}

/** An engine message or request as the relay reads it: only the fields a test asks about. */
type Wire = { type: string; lab?: string; config?: { lab?: string } };

export interface EngineRelay {
  /** The start requests the page has sent for `lab`'s runs so far. */
  starts(lab: string): number;
  /** From now on, the engine's runStarted and frames for `lab`'s runs wait here (the page sees a run still starting). */
  hold(lab: string): void;
  /** Hands the page what waited, in order, and stops holding. */
  release(): void;
}

/**
 * Passes the page's engine socket through the test, so a test can hold back a run's start and
 * act while the page waits for it, whatever the engine's timing. Only sockets opened afterwards
 * pass through it: reload the page after.
 */
export async function relayEngine(page: Page): Promise<EngineRelay> {
  const sent: Wire[] = [];
  let holding: string | null = null;
  const held: (() => void)[] = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (typeof m !== 'string') sent.push(decodeMessage(m) as Wire);
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = typeof m === 'string' ? null : (decodeMessage(m) as Wire);
      if (holding !== null && msg && (msg.type === 'runStarted' || msg.type === 'frame') && msg.lab === holding) held.push(() => ws.send(m));
      else ws.send(m);
    });
  });
  return {
    starts: (lab) => sent.filter((r) => r.type === 'start' && r.config?.lab === lab).length,
    hold: (lab) => {
      holding = lab;
    },
    release: () => {
      holding = null;
      for (const send of held.splice(0)) send();
    },
  };
}
