/** The folder table's rows, and the table as a file. */
import type { ImageDistance, RankedClass } from '../../../main/protocol/adversarial';
import { csvText } from '../../export/csv-text';

export interface BatchRow {
  name: string;
  /** The lane's label (its attack); every lane runs on every image. */
  lane: string;
  before: RankedClass | null;
  after: RankedClass | null;
  success: boolean;
  steps: number;
  targetConfidence: number;
  distance: ImageDistance | null;
  /** Why this image has no result (the engine refused its run). */
  error?: string;
}

/** The table as CSV, one row per image; probabilities and confidences as fractions; `card`: the attack's settings. */
export function batchCsv(rows: readonly BatchRow[], card: Record<string, unknown> | null = null): string {
  return csvText(
    ['image', 'lane', 'original_class', 'original_p', 'final_class', 'final_p', 'success', 'steps', 'target_confidence', 'linf', 'l2', 'l0_pixels', 'psnr_db', 'ssim', 'error'],
    rows.map((r) => [
      r.name,
      r.lane,
      r.before?.label ?? '',
      r.before?.probability ?? '',
      r.after?.label ?? '',
      r.after?.probability ?? '',
      r.error ? '' : r.success,
      r.steps,
      r.error ? '' : r.targetConfidence,
      r.distance?.linf ?? '',
      r.distance?.l2 ?? '',
      r.distance?.l0Pixels ?? '',
      r.distance ? (r.distance.psnrDb ?? 'inf') : '',
      r.distance?.ssim ?? '',
      r.error ?? '',
    ]),
    card,
  );
}
