/**
 * Names and limits with no dependencies, so the renderer can import them without pulling the
 * zod validators of messages.ts into its bundle.
 */
export const LAB_NAMES = ['regression', 'spread', 'adversarial', 'surface'] as const;
export type LabName = (typeof LAB_NAMES)[number];

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** Limits that keep one message from exhausting the engine. */
export const LIMITS = {
  maxLanes: 8,
  // Engine history is 3 (regression) to 5 (spread) float64 series per lane: 1e6 iterations ×
  // 8 lanes × 5 series ≈ 320 MB at most.
  maxIterations: 1_000_000,
  maxPoints: 2_000_000,
  maxCsvBytes: 64 * 1024 * 1024,
  maxItersPerSecond: 1e7,
  /** Data and parameters the engine's float32 tensors hold with room to square. */
  maxAbsValue: 1e30,
} as const;

/**
 * The WebSocket close code (1011, "internal error") with which the headless server ends a
 * connection whose engine kept dying: the page stops reconnecting on it (a reload tries again),
 * since a fresh connection would start the same crash loop.
 */
export const ENGINE_GAVE_UP_CLOSE_CODE = 1011;
