/**
 * Original | adversarial | amplified difference for one lane, drawn from the store's RGB bytes
 * in the frame loop, with a magnifier: hovering any image shows the same pixels, enlarged, in
 * every image of every lane (one shared Lens). Pixels are rebuilt only when an image changes;
 * the lens alone costs three drawImage calls.
 */
import { useRef, type MutableRefObject, type PointerEvent } from 'react';
import { fitCanvas } from '../../fit-canvas';
import { useAnimationFrame } from '../../use-animation-frame';
import type { AdversarialStore } from './adversarial-store';
import { differenceToImageData, rgbToImageData } from './rgb-image';

/** Where the pointer is over an image, in image pixels; shared by every canvas. */
export class Lens {
  x = 0;
  y = 0;
  on = false;
  version = 0;
  set(x: number, y: number): void {
    this.x = x;
    this.y = y;
    this.on = true;
    this.version++;
  }
  clear(): void {
    if (!this.on) return;
    this.on = false;
    this.version++;
  }
}

export type PixelKind = 'original' | 'adversarial' | 'difference';

/** Image pixels the lens shows across, and its size on screen. */
const LENS_PIXELS = 15;
const LENS_CSS = 96;

interface PixelCanvasProps {
  store: AdversarialStore;
  laneId: string;
  kind: PixelKind;
  lens: Lens;
  /** The difference's amplification; a ref so changing it needs no React render. */
  gain: MutableRefObject<number>;
  label: string;
}

export function PixelCanvas({ store, laneId, kind, lens, gain, label }: PixelCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pixels = useRef<{ canvas: HTMLCanvasElement; data: ImageData; key: string } | null>(null);
  const drawn = useRef('');

  useAnimationFrame(() => {
    const canvas = canvasRef.current;
    if (!canvas || canvas.offsetParent === null) return;
    const lane = store.lanes.find((l) => l.id === laneId);
    const { width: w, height: h, original } = store;
    const image = kind === 'original' ? original : lane ? store.shownImage(lane) : null;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    // Square until a run says otherwise; the models here all take squares.
    const aspect = w && h ? `${w} / ${h}` : '1 / 1';
    if (canvas.style.aspectRatio !== aspect) canvas.style.aspectRatio = aspect;
    const size = fitCanvas(canvas, ctx);
    if (!image || !original || w === 0) {
      if (size.resized || drawn.current !== 'empty') ctx.clearRect(0, 0, size.width, size.height);
      drawn.current = 'empty';
      return;
    }
    const shown = `${lane!.imageVersion}|${store.cursor}`;
    const key = kind === 'original' ? `o${store.originalVersion}` : kind === 'adversarial' ? `a${shown}|${store.originalVersion}` : `d${shown}|${store.originalVersion}|${gain.current}`;
    let px = pixels.current;
    if (!px || px.key !== key || px.data.width !== w || px.data.height !== h) {
      if (!px || px.data.width !== w || px.data.height !== h) {
        const off = document.createElement('canvas');
        off.width = w;
        off.height = h;
        px = { canvas: off, data: new ImageData(w, h), key: '' };
      }
      if (kind === 'difference') differenceToImageData(original, image, gain.current, px.data);
      else rgbToImageData(image, px.data);
      px.canvas.getContext('2d')!.putImageData(px.data, 0, 0);
      px.key = key;
      pixels.current = px;
    }
    const frameKey = `${key}|${size.width}x${size.height}|${lens.on ? lens.version : 'off'}`;
    if (!size.resized && drawn.current === frameKey) return;
    drawn.current = frameKey;
    ctx.clearRect(0, 0, size.width, size.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(px.canvas, 0, 0, size.width, size.height);
    if (lens.on) drawLens(ctx, px.canvas, lens, w, h, size.width, size.height);
  });

  const track = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const { width: w, height: h } = store;
    if (!w || r.width === 0) return;
    lens.set(((e.clientX - r.left) / r.width) * w, ((e.clientY - r.top) / r.height) * h);
  };

  return (
    <canvas
      ref={canvasRef}
      className="adv-pixels"
      data-testid={`adv-${kind}`}
      aria-label={label}
      role="img"
      onPointerMove={track}
      onPointerLeave={() => lens.clear()}
    />
  );
}

/** A square of the image around the pointer, enlarged with nearest-neighbour pixels, over the same spot. */
function drawLens(ctx: CanvasRenderingContext2D, src: HTMLCanvasElement, lens: Lens, w: number, h: number, cw: number, ch: number): void {
  const half = LENS_PIXELS / 2;
  const sx = Math.max(0, Math.min(w - LENS_PIXELS, Math.round(lens.x - half)));
  const sy = Math.max(0, Math.min(h - LENS_PIXELS, Math.round(lens.y - half)));
  const side = Math.min(LENS_CSS, cw * 0.6, ch * 0.6);
  const px = (lens.x / w) * cw;
  const py = (lens.y / h) * ch;
  const bx = Math.max(0, Math.min(cw - side, px - side / 2));
  const by = Math.max(0, Math.min(ch - side, py - side / 2));
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, sx, sy, LENS_PIXELS, LENS_PIXELS, bx, by, side, side);
  ctx.strokeStyle = '#1f2329';
  ctx.lineWidth = 1.5;
  ctx.strokeRect(bx + 0.75, by + 0.75, side - 1.5, side - 1.5);
  // The pixel under the pointer, outlined inside the lens.
  const cell = side / LENS_PIXELS;
  const cx = Math.floor(lens.x) - sx;
  const cy = Math.floor(lens.y) - sy;
  if (cx >= 0 && cx < LENS_PIXELS && cy >= 0 && cy < LENS_PIXELS) {
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.lineWidth = 1;
    ctx.strokeRect(bx + cx * cell + 0.5, by + cy * cell + 0.5, cell - 1, cell - 1);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)';
    ctx.strokeRect(bx + cx * cell - 0.5, by + cy * cell - 0.5, cell + 1, cell + 1);
  }
  ctx.restore();
}
