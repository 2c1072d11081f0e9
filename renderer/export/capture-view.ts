/**
 * A picture of what a lab shows: every canvas inside an element (2-D views, uPlot charts, the
 * three.js view) drawn at its place on white, with the captions and lane labels as text, so one
 * PNG or animation frame holds the whole view. Canvases are copied as they are on screen
 * (WebGL ones keep their drawing buffer for this: see sphere-view.tsx).
 */

/** Elements whose text is drawn into the picture (canvases carry no text of their own). */
const TEXT_SELECTOR = 'figcaption, [data-capture-text]';

export interface Capture {
  canvas: HTMLCanvasElement;
  width: number;
  height: number;
}

/** Renders `root` into `target` (resized), `scale` device pixels per CSS pixel. */
export function captureView(root: HTMLElement, scale = 1, target: HTMLCanvasElement = document.createElement('canvas')): Capture {
  const base = root.getBoundingClientRect();
  const width = Math.max(1, Math.round(base.width * scale));
  const height = Math.max(1, Math.round(base.height * scale));
  if (target.width !== width || target.height !== height) {
    target.width = width;
    target.height = height;
  }
  const ctx = target.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.setTransform(scale, 0, 0, scale, -base.left * scale, -base.top * scale);
  for (const c of root.querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || c.width === 0 || c.height === 0) continue;
    ctx.drawImage(c, r.left, r.top, r.width, r.height);
  }
  for (const el of root.querySelectorAll<HTMLElement>(TEXT_SELECTOR)) {
    const text = el.innerText.trim().split('\n')[0];
    const r = el.getBoundingClientRect();
    if (!text || r.width < 1) continue;
    const style = getComputedStyle(el);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'middle';
    ctx.fillText(text, r.left + parseFloat(style.paddingLeft || '0'), r.top + r.height / 2, r.width);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return { canvas: target, width, height };
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
}
