import { useRef, type PointerEvent } from 'react';

/**
 * Click or drag with the primary button, as on a map that moves a start point: `onPoint` at the
 * press and at every move until release. The pointer is captured, so a drag that leaves the
 * canvas keeps going. Spread the result on the element.
 */
export function usePointerDrag<E extends Element>(onPoint: (e: PointerEvent<E>) => void) {
  const dragging = useRef(false);
  return {
    onPointerDown: (e: PointerEvent<E>) => {
      if (e.button !== 0) return;
      dragging.current = true;
      e.currentTarget.setPointerCapture(e.pointerId);
      onPoint(e);
    },
    onPointerMove: (e: PointerEvent<E>) => {
      if (dragging.current) onPoint(e);
    },
    onPointerUp: () => {
      dragging.current = false;
    },
  };
}
