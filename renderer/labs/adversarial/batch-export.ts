/** The folder table's rows, and the table as a file; the universal perturbation's table likewise. */
import type { ImageDistance, RankedClass } from '../../../main/protocol/adversarial';
import type { UniversalPoint } from '../../../main/protocol/messages';
import { csvText } from '../../export/csv-text';
import { APP_LABEL } from '../../export/run-card';

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

/** What a universal perturbation was made from, for its file's card (as a run's card is). */
export function universalCard(about: { model: string; images: readonly string[]; epsilons: readonly number[]; iterations: number; backend: string }): Record<string, unknown> {
  return { app: APP_LABEL, lab: 'adversarial', made: 'universal perturbation', ...about };
}

/**
 * A universal perturbation's result as CSV: a row per ε and image (its top class before and
 * with δ, and whether δ fooled the model), with the ε's fooling rate; `card`: its settings.
 */
export function universalCsv(points: readonly UniversalPoint[], card: Record<string, unknown> | null = null): string {
  return csvText(
    ['epsilon', 'iterations', 'step', 'fooling_rate', 'image', 'original_class', 'original_p', 'class_with_delta', 'p_with_delta', 'fooled'],
    points.flatMap((p) =>
      p.perImage.map((r) => [p.epsilon, p.iterations, p.step, p.foolingRate, r.name, r.before.top5[0]?.label ?? '', r.before.top5[0]?.probability ?? '', r.after.top5[0]?.label ?? '', r.after.top5[0]?.probability ?? '', r.success]),
    ),
    card,
  );
}
