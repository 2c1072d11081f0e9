/**
 * A user's start set for the Spread lab: a CSV of rows of D numbers separated by tabs,
 * semicolons, commas or spaces (quoted cells allowed; an optional header row of names, "#"
 * comment lines and blank lines are skipped) or JSON, either an array of arrays or an
 * object with a "vectors" array of arrays (what `descent spread --json` prints, so a result can
 * be a start). Errors name the line or row and what is wrong; nothing is silently dropped.
 */
import { parseDecimal } from '../../protocol/decimal';
import { SPREAD_LIMITS, spreadSizeProblem } from '../../protocol/spread';
import { guessDelimiter, readCsvRecords } from '../csv-records';

export class VectorsFileError extends Error {
  override name = 'VectorsFileError';
}

export interface VectorSet {
  n: number;
  dim: number;
  /** Row-major [n, dim], as given (not normalised). */
  vectors: Float64Array;
}

/** Starts past this would be refused by the lab anyway; stop reading there. */
const MAX_VECTORS = SPREAD_LIMITS.maxVectors;

function fail(name: string, message: string): never {
  throw new VectorsFileError(`${name}: ${message}`);
}

function fromRows(rows: { cells: number[]; where: string }[], name: string): VectorSet {
  if (rows.length === 0) fail(name, 'no vectors found');
  const dim = rows[0]!.cells.length;
  const n = rows.length;
  const size = spreadSizeProblem(n, dim);
  if (size) fail(name, `${n} vectors of ${dim} numbers: ${size}`);
  const vectors = new Float64Array(n * dim);
  // Same direction = same unit vector: such a pair feels no tangential force, so it never separates.
  const seen = new Map<string, string>();
  rows.forEach(({ cells, where }, i) => {
    if (cells.length !== dim) fail(name, `${where} has ${cells.length} numbers, expected ${dim} like the first vector`);
    // Scaled by the largest entry, so 1e200 or 1e-200 entries neither overflow nor vanish.
    const scale = Math.max(...cells.map(Math.abs));
    if (!(scale > 0)) fail(name, `${where} is all zeros: a direction is needed`);
    let norm = 0;
    for (const v of cells) norm += (v / scale) ** 2;
    norm = Math.sqrt(norm) * scale;
    const key = cells.map((v) => Math.fround(v / scale / (norm / scale))).join(',');
    const twin = seen.get(key);
    if (twin) fail(name, `${where} points the same way as ${twin}; coincident vectors never separate`);
    seen.set(key, where);
    vectors.set(cells, i * dim);
  });
  return { n, dim, vectors };
}

function parseJson(text: string, name: string): VectorSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(name, `not valid JSON (${(e as Error).message})`);
  }
  const list = Array.isArray(data) ? data : (data as { vectors?: unknown } | null)?.vectors;
  if (!Array.isArray(list)) fail(name, 'JSON must be an array of vectors (arrays of numbers), or an object with a "vectors" array');
  if (list.length > MAX_VECTORS) fail(name, `${list.length} vectors; the limit is ${MAX_VECTORS}`);
  const rows = list.map((row: unknown, i) => {
    const where = `vector ${i + 1}`;
    if (!Array.isArray(row)) fail(name, `${where} is not an array of numbers`);
    const cells = row.map((v: unknown, d) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(name, `${where}, entry ${d + 1} is ${JSON.stringify(v)}, not a finite number`);
      return v;
    });
    return { cells, where };
  });
  return fromRows(rows, name);
}

/** Tried in this order: "1,5;2,5" splits at the semicolons (its decimal commas are then reported, not split apart), "1, 2" at the comma. */
const DELIMITERS = ['\t', ';', ',', ' '];

function parseCsv(text: string, name: string): VectorSet {
  // The delimiter that every one of the first lines has the same number of, else the first one
  // the first line has: columns aligned with runs of spaces count differently on each line.
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const delimiter = guessDelimiter(text, DELIMITERS, '#') ?? DELIMITERS.find((d) => firstLine.includes(d)) ?? ',';
  const records = readCsvRecords(text, { delimiter, comments: '#' });
  const rows: { cells: number[]; where: string }[] = [];
  let sawData = false;
  records.rows.forEach((raw, r) => {
    // Space-separated: a run of spaces, or spaces before the first number, separate nothing.
    const cells = delimiter === ' ' ? raw.filter((c) => c !== '') : raw;
    if (cells.every((c) => c.trim() === '')) return; // a blank line
    const where = `line ${records.lineOf[r]}`;
    const values = cells.map(parseDecimal);
    if (!sawData && values.every(Number.isNaN)) return; // a header row of column names
    sawData = true;
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(name, `${where}, column ${bad + 1}: ${JSON.stringify(cells[bad]!.trim())} is not a finite number`);
    if (rows.length >= MAX_VECTORS) fail(name, `more than ${MAX_VECTORS} vectors`);
    rows.push({ cells: values, where });
  });
  return fromRows(rows, name);
}

/** Parses a vectors file; JSON when it starts with [ or {, otherwise CSV. */
export function parseVectorsFile(text: string, name = 'vectors'): VectorSet {
  const body = text.replace(/^\uFEFF/, '');
  return /^\s*[[{]/.test(body) ? parseJson(body, name) : parseCsv(body, name);
}
