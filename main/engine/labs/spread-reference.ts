/**
 * Published optima for N points on the sphere in 3-D, from the tables that ship with the app in
 * assets/reference/ (thomson.csv: smallest known Coulomb energies; tammes.csv: largest known
 * minimum angles). Each table's "# Source:" comment lines travel with its numbers.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCsvRecords } from '../csv-records';
import { shippedPath } from '../shipped-files';

export interface PublishedOptimum {
  n: number;
  /** Smallest known Σ 1/r over pairs (the Thomson problem). */
  thomsonEnergy?: number;
  /** Point group of that configuration, as the table gives it. */
  thomsonSymmetry?: string;
  /** Largest known minimum angle, degrees (the Tammes problem). */
  tammesAngleDeg?: number;
  /** "proven (…)" or "best known (…)". */
  tammesStatus?: string;
  /** The comment lines of the tables that gave these figures. */
  sources: string[];
}

interface Table {
  /** The file's leading comment lines, without "# ". */
  notes: string[];
  rows: Map<number, Record<string, string>>;
}

/** assets/reference, the folder of the two tables. */
export function referenceDir(): string {
  return dirname(shippedPath('assets/reference/thomson.csv', 'the published optimum tables'));
}

/** Parses one table: "#" comment lines, a header row, then rows keyed by their first column n. */
export function parseReferenceTable(text: string): Table {
  // Papaparse skips the comments; they are the tables' sources, so they are kept here.
  const notes = text
    .split(/\r?\n/)
    .filter((line) => line.startsWith('#'))
    .map((line) => line.replace(/^#\s?/, '').trim());
  const rows = new Map<number, Record<string, string>>();
  const records = readCsvRecords(text, { delimiter: ',', comments: '#' }).rows.filter((cells) => cells.some((c) => c.trim() !== ''));
  const [header, ...data] = records.map((cells) => cells.map((c) => c.trim()));
  for (const cells of data) {
    const row: Record<string, string> = {};
    header!.forEach((name, i) => (row[name] = cells[i] ?? ''));
    const n = Number(cells[0]);
    if (Number.isInteger(n)) rows.set(n, row);
  }
  return { notes, rows };
}

let tables: { thomson: Table; tammes: Table } | undefined;

function loadTables(): { thomson: Table; tammes: Table } {
  if (!tables) {
    const dir = referenceDir();
    tables = {
      thomson: parseReferenceTable(readFileSync(join(dir, 'thomson.csv'), 'utf8')),
      tammes: parseReferenceTable(readFileSync(join(dir, 'tammes.csv'), 'utf8')),
    };
  }
  return tables;
}

/** The published optimum for n points on the sphere in 3-D, or undefined where neither table has n. */
export function publishedOptimum(n: number): PublishedOptimum | undefined {
  const { thomson, tammes } = loadTables();
  const t = thomson.rows.get(n);
  const m = tammes.rows.get(n);
  if (!t && !m) return undefined;
  const out: PublishedOptimum = { n, sources: [] };
  if (t) {
    out.thomsonEnergy = Number(t.energy);
    out.thomsonSymmetry = t.symmetry;
    out.sources.push(...thomson.notes);
  }
  if (m) {
    out.tammesAngleDeg = Number(m.min_angle_deg);
    out.tammesStatus = m.status;
    out.sources.push(...tammes.notes);
  }
  return out;
}

/** Every n that either table lists, ascending. */
export function publishedCounts(): number[] {
  const { thomson, tammes } = loadTables();
  return [...new Set([...thomson.rows.keys(), ...tammes.rows.keys()])].sort((a, b) => a - b);
}
