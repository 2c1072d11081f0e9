/**
 * `window.descent` exists only inside the Electron app, where the preload exposes it; in a
 * plain browser (headless server, e2e tests) it is absent. Reading it through this one
 * function avoids a global `Window` augmentation that would claim it always exists.
 */
import type { DesktopApi } from '../main/protocol/desktop-api';

export function getDesktopApi(): DesktopApi | undefined {
  return (window as Window & { descent?: DesktopApi }).descent;
}
