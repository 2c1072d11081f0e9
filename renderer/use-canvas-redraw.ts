import { useRef, type RefObject } from 'react';
import { fitCanvas, type CanvasSize } from './fit-canvas';
import { useAnimationFrame } from './use-animation-frame';

export interface CanvasRedraw {
  /** What the canvas shows, as a string: read each frame, so it may read a store that changes without a render. */
  key: () => string;
  /** Draws it all (the context is scaled to CSS pixels). */
  draw: (ctx: CanvasRenderingContext2D, size: CanvasSize) => void;
  /** A CSS aspect-ratio for the canvas ("w / h"), set before it is measured. */
  aspect?: string;
}

/**
 * A 2-D canvas redrawn only when what it shows or its size changes: checked once a display
 * frame while the canvas is laid out, its backing store fitted to its size each time. Returns
 * the ref to put on the canvas.
 */
export function useCanvasRedraw({ key, draw, aspect }: CanvasRedraw): RefObject<HTMLCanvasElement | null> {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useRef('');
  useAnimationFrame(() => {
    const canvas = ref.current;
    if (!canvas || canvas.offsetParent === null) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    if (aspect !== undefined && canvas.style.aspectRatio !== aspect) canvas.style.aspectRatio = aspect;
    const size = fitCanvas(canvas, ctx);
    const frame = `${key()}|${size.width}x${size.height}`;
    if (!size.resized && frame === drawn.current) return;
    drawn.current = frame;
    draw(ctx, size);
  });
  return ref;
}
