/** An attack run's reports as files: CSV with a row per lane and iteration, and JSON. */
import type { StepReport } from '../../../main/protocol/adversarial';
import { csvText, type CsvCell } from '../../export/csv-text';

interface ReportLane {
  id: string;
  label: string;
  reports: StepReport[];
}

const HEADER = ['lane', 'iteration', 'step', 'target_confidence', 'success', 'top1', 'top1_probability', 'cat', 'dog', 'linf', 'l2', 'l0_pixels', 'psnr_db', 'ssim', 'step_ms'];

export function reportsCsv(lanes: readonly ReportLane[]): string {
  const rows: CsvCell[][] = [];
  for (const lane of lanes) {
    lane.reports.forEach((r, iteration) => {
      const top = r.classification.top5[0];
      const d = r.distance;
      rows.push([lane.label, iteration, r.step, r.targetConfidence, r.success, top?.label ?? null, top?.probability ?? null, r.classification.cat, r.classification.dog, d.linf, d.l2, d.l0Pixels, d.psnrDb, d.ssim, r.stepMs]);
    });
  }
  return csvText(HEADER, rows);
}

export function reportsJson(lanes: readonly ReportLane[], about: Record<string, unknown>): string {
  return JSON.stringify({ ...about, lanes: lanes.map((l) => ({ id: l.id, label: l.label, reports: l.reports })) }) + '\n';
}
