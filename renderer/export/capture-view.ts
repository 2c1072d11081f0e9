/**
 * A picture of what a lab shows: the element's boxes (backgrounds and borders: bars, swatches,
 * badges, cards), its canvases (2-D views, uPlot charts, the three.js view) and its text (lane
 * titles, verdicts, readout tables, legends), each drawn at its place on white, so one PNG or
 * animation frame holds the whole view as the user reads it. Controls (buttons, inputs, select
 * boxes, check boxes) are left out, and so is anything marked `data-capture-skip`. A box that
 * scrolls is drawn whole, every row of it, not only the part scrolled into sight.
 *
 * Text the view shows beside it rather than inside it (a legend above the views) is marked
 * `data-capture-legend` in the same parent, and the picture grows to take it in.
 *
 * Canvases are copied as they are on screen (WebGL ones keep their drawing buffer for this: see
 * sphere-view.tsx). CSS pseudo-elements and text shadows are not drawn.
 */

/** Controls are how the view is driven, not what it shows. */
const SKIP_SELECTOR = 'button, input, select, textarea, label.check, [data-capture-skip]';
/** Shown beside the root, part of the picture. */
const LEGEND_SELECTOR = '[data-capture-legend]';

export interface Capture {
  canvas: HTMLCanvasElement;
  width: number;
  height: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The root's whole content (scrolled-away rows too) and its legends, in page coordinates. */
function captureBox(root: HTMLElement, legends: readonly HTMLElement[]): Box {
  const r = root.getBoundingClientRect();
  const left = r.left - root.scrollLeft;
  const top = r.top - root.scrollTop;
  const box = { left, top, right: left + Math.max(r.width, root.scrollWidth), bottom: top + Math.max(r.height, root.scrollHeight) };
  for (const el of legends) {
    const l = el.getBoundingClientRect();
    if (l.width < 1 || l.height < 1) continue;
    box.left = Math.min(box.left, l.left);
    box.top = Math.min(box.top, l.top);
    box.right = Math.max(box.right, l.right);
    box.bottom = Math.max(box.bottom, l.bottom);
  }
  return box;
}

/** The legends that belong with `root`: marked ones among its parent's, outside it. */
function legendsOf(root: HTMLElement): HTMLElement[] {
  const parent = root.parentElement;
  if (!parent) return [];
  return [...parent.querySelectorAll<HTMLElement>(LEGEND_SELECTOR)].filter((el) => !root.contains(el));
}

const visibleColour = (c: string) => c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c);

function intersect(a: Box | null, b: DOMRect): Box {
  if (!a) return { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
  return { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
}

function withClip(ctx: CanvasRenderingContext2D, clip: Box | null, draw: () => void): void {
  if (!clip) return draw();
  if (clip.right <= clip.left || clip.bottom <= clip.top) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(clip.left, clip.top, clip.right - clip.left, clip.bottom - clip.top);
  ctx.clip();
  draw();
  ctx.restore();
}

function drawBox(ctx: CanvasRenderingContext2D, r: DOMRect, style: CSSStyleDeclaration): void {
  if (visibleColour(style.backgroundColor)) {
    ctx.fillStyle = style.backgroundColor;
    const radius = parseFloat(style.borderTopLeftRadius) || 0;
    ctx.beginPath();
    ctx.roundRect(r.left, r.top, r.width, r.height, Math.min(radius, r.width / 2, r.height / 2));
    ctx.fill();
  }
  const sides = [
    ['Top', r.left, r.top, r.width, 0],
    ['Bottom', r.left, r.bottom, r.width, 0],
    ['Left', r.left, r.top, 0, r.height],
    ['Right', r.right, r.top, 0, r.height],
  ] as const;
  for (const [side, x, y, w, h] of sides) {
    const width = parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) || 0;
    const colour = style.getPropertyValue(`border-${side.toLowerCase()}-color`);
    const kind = style.getPropertyValue(`border-${side.toLowerCase()}-style`);
    if (width <= 0 || kind === 'none' || kind === 'hidden' || !visibleColour(colour)) continue;
    ctx.fillStyle = colour;
    // Each border lies inside the box: the bottom and right ones start `width` before the edge.
    ctx.fillRect(side === 'Right' ? x - width : x, side === 'Bottom' ? y - width : y, w || width, h || width);
  }
}

/** Word by word, each at the place the browser laid it out (wrapped lines included). */
function drawText(ctx: CanvasRenderingContext2D, node: Text, style: CSSStyleDeclaration, range: Range): void {
  const text = node.data;
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  ctx.fillStyle = style.color;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const m of text.matchAll(/\S+/g)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const r = range.getClientRects()[0];
    if (!r || r.width < 0.5) continue;
    ctx.fillText(m[0], r.left, r.top + r.height / 2);
  }
}

function drawElement(ctx: CanvasRenderingContext2D, el: Element, clip: Box | null, range: Range, isRoot: boolean): void {
  if (!(el instanceof HTMLElement) || el.matches(SKIP_SELECTOR)) return;
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return;
  const r = el.getBoundingClientRect();
  withClip(ctx, clip, () => {
    drawBox(ctx, r, style);
    if (el instanceof HTMLCanvasElement && r.width >= 1 && r.height >= 1 && el.width > 0 && el.height > 0) ctx.drawImage(el, r.left, r.top, r.width, r.height);
    else if (el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0) ctx.drawImage(el, r.left, r.top, r.width, r.height);
  });
  // What a box cuts off stays cut off, except the root's scrolled-away rows.
  const clipsChildren = !isRoot && (style.overflowX !== 'visible' || style.overflowY !== 'visible');
  const inner = clipsChildren ? intersect(clip, r) : clip;
  for (const child of el.childNodes) {
    if (child instanceof Text) {
      if (child.data.trim()) withClip(ctx, inner, () => drawText(ctx, child, style, range));
    } else if (child instanceof Element) {
      drawElement(ctx, child, inner, range, false);
    }
  }
}

/** The strip under the view that holds the caption (the run card's line), CSS pixels. */
export const CAPTION_HEIGHT = 20;

/**
 * Renders `root` (and its legends) into `target` (resized), `scale` device pixels per CSS
 * pixel; a `caption` (what produced the run) goes in a strip under it.
 */
export function captureView(root: HTMLElement, scale = 1, target: HTMLCanvasElement = document.createElement('canvas'), caption: string | null = null): Capture {
  const legends = legendsOf(root);
  const box = captureBox(root, legends);
  const width = Math.max(1, Math.round((box.right - box.left) * scale));
  const viewHeight = Math.max(1, Math.round((box.bottom - box.top) * scale));
  const height = viewHeight + (caption ? Math.round(CAPTION_HEIGHT * scale) : 0);
  if (target.width !== width || target.height !== height) {
    target.width = width;
    target.height = height;
  }
  const ctx = target.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.setTransform(scale, 0, 0, scale, -box.left * scale, -box.top * scale);
  const range = document.createRange();
  for (const el of legends) drawElement(ctx, el, null, range, true);
  drawElement(ctx, root, null, range, true);
  range.detach();
  if (caption) {
    ctx.setTransform(scale, 0, 0, scale, 0, viewHeight);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#5b6470'; // --muted
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillText(caption, 6, CAPTION_HEIGHT / 2, width / scale - 12);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return { canvas: target, width, height };
}

/** The width a capture of `root` will have, CSS pixels (animated exports scale to a maximum). */
export function captureWidth(root: HTMLElement): number {
  const box = captureBox(root, legendsOf(root));
  return box.right - box.left;
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
}
