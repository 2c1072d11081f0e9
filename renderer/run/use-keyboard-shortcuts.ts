import { useEffect, useRef } from 'react';
import type { RunActions } from './run-controls';

const TYPING = new Set(['INPUT', 'SELECT', 'TEXTAREA']);

/** Space run/pause, → step, R reset while `enabled`; ignored while the user is typing in a field. */
export function useKeyboardShortcuts(actions: RunActions, running: () => boolean, enabled = true): void {
  const latest = useRef({ actions, running });
  latest.current = { actions, running };
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (el && (TYPING.has(el.tagName) || el.isContentEditable)) return;
      const { actions: a, running: isActive } = latest.current;
      if (e.key === ' ') {
        // Also stops a focused button from being "clicked" by the same key.
        e.preventDefault();
        if (isActive()) a.pauseOrResume();
        else a.run();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        a.step();
      } else if (e.key === 'r' || e.key === 'R') {
        e.preventDefault();
        a.reset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
