/**
 * A run's per-iteration histories as files: CSV with one row per lane and iteration, and JSON
 * with one object per lane. Values are those the page recorded (every iteration up to 262,144
 * per lane, every second, fourth, … past that: see thinned-history.ts).
 */
import type { ThinnedHistory } from '../run/thinned-history';
import { csvText, type CsvCell } from './csv-text';

interface HistoryLane<K extends string> {
  id: string;
  label: string;
  history: ThinnedHistory<K>;
}

function entries<K extends string>(h: ThinnedHistory<K>): number[] {
  // The stored entries, plus the latest iteration when thinning skipped it.
  const out = Array.from({ length: h.length }, (_, k) => k * h.stride);
  if (h.lastIteration >= 0 && out.at(-1) !== h.lastIteration) out.push(h.lastIteration);
  return out;
}

export function historyCsv<K extends string>(lanes: readonly HistoryLane<K>[], keys: readonly K[]): string {
  const rows: CsvCell[][] = [];
  for (const lane of lanes) {
    for (const it of entries(lane.history)) rows.push([lane.label, it, ...keys.map((k) => lane.history.at(k, it))]);
  }
  return csvText(['lane', 'iteration', ...keys], rows);
}

export function historyJson<K extends string>(lanes: readonly HistoryLane<K>[], keys: readonly K[], about: Record<string, unknown>): string {
  return (
    JSON.stringify(
      {
        ...about,
        lanes: lanes.map((lane) => {
          const its = entries(lane.history);
          return { id: lane.id, label: lane.label, iteration: its, ...Object.fromEntries(keys.map((k) => [k, its.map((it) => lane.history.at(k, it))])) };
        }),
      },
      (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    ) + '\n'
  );
}
