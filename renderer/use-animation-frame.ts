import { useEffect, useRef } from 'react';

/**
 * Calls `draw` once per display frame while mounted. The latest `draw` is kept in a ref so
 * callers can close over fresh props without restarting the loop; each draw decides for
 * itself (by a version number) whether anything changed, so idle frames cost almost nothing.
 */
export function useAnimationFrame(draw: () => void): void {
  const drawRef = useRef(draw);
  drawRef.current = draw;
  useEffect(() => {
    let handle = 0;
    const tick = () => {
      drawRef.current();
      handle = requestAnimationFrame(tick);
    };
    handle = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(handle);
  }, []);
}
