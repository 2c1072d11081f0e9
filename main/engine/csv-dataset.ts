/**
 * CSV → Dataset for the regression lab. csv-records.ts (papaparse) does the tokenising;
 * this file decides what the columns mean. Rows whose x or y do not parse are reported with
 * their line numbers, never silently dropped; a file with nothing usable is an error that
 * leaves the caller's current data alone.
 */
import { LIMITS } from '../protocol/limits';
import type { Dataset } from '../protocol/messages';
import { guessDelimiter, readCsvRecords } from './csv-records';

export class CsvError extends Error {
  override name = 'CsvError';
}

export interface CsvOptions {
  name?: string;
  /** A header name, or a 1-based column number. */
  xColumn?: string;
  yColumn?: string;
}

const MAX_REPORTED_SKIPS = 200;
const inRange = (v: number): boolean => Number.isFinite(v) && Math.abs(v) <= LIMITS.maxAbsValue;

function parseNumber(cell: string | undefined, decimalComma: boolean): number {
  if (cell === undefined) return NaN;
  let s = cell.trim();
  if (s === '') return NaN;
  if (decimalComma && /^[-+]?\d*,\d+(e[-+]?\d+)?$/i.test(s)) s = s.replace(',', '.');
  return Number(s);
}

function pickColumn(columns: string[], wanted: string, role: string): number {
  const byName = columns.indexOf(wanted);
  if (byName >= 0) return byName;
  const byNameLoose = columns.findIndex((c) => c.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (byNameLoose >= 0) return byNameLoose;
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted) - 1;
    if (index >= 0 && index < columns.length) return index;
  }
  throw new CsvError(`no column "${wanted}" for ${role} (columns: ${columns.join(', ')})`);
}

export function parseCsvDataset(text: string, options: CsvOptions = {}): Dataset {
  const name = options.name ?? 'data.csv';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // byte-order mark
  if (body.trim() === '') throw new CsvError(`${name} is empty`);
  if (body.includes('\u0000')) throw new CsvError(`${name} is not a text file`);
  const { rows, lineOf, delimiter } = readCsvRecords(body, {
    delimiter: guessDelimiter(body, ['\t', ';', '|', ',']) ?? '',
    delimitersToGuess: [',', ';', '\t', '|'],
  });
  // A trailing newline yields one empty row at the end; it is not a data row.
  while (rows.length && rows[rows.length - 1]!.every((c) => c.trim() === '')) {
    rows.pop();
    lineOf.pop();
  }
  if (rows.length === 0) throw new CsvError(`${name} has no rows`);
  const decimalComma = delimiter === ';' || delimiter === '\t';

  const first = rows[0]!;
  const isNumber = (cell: string | undefined) => Number.isFinite(parseNumber(cell, decimalComma));
  // A header has text in every column that holds numbers below it, and text somewhere. A first
  // row like "Male",73.8,241.8 (text only where the data has text too) is data.
  const numericBelow = (c: number) => rows.slice(1, 50).some((r) => isNumber(r[c]));
  const hasHeader =
    first.some((c) => c.trim() !== '' && !isNumber(c)) && first.every((c, i) => !isNumber(c) || !numericBelow(i));
  let width = 0;
  for (const r of rows) width = Math.max(width, r.length); // not Math.max(...rows): 1e5+ rows overflow the stack
  const columns = Array.from({ length: width }, (_, i) => {
    const h = hasHeader ? first[i]?.trim() : undefined;
    return h ? h : `column ${i + 1}`;
  });
  const dataStart = hasHeader ? 1 : 0;
  const dataRows = rows.length - dataStart;
  if (dataRows < 2) throw new CsvError(`${name} needs at least two data rows`);

  // A column is numeric when most of its non-empty cells parse. Kept as indices, not names:
  // two columns may share a header.
  const numericIndices = columns.flatMap((_, c) => {
    let ok = 0;
    let filled = 0;
    for (let r = dataStart; r < rows.length; r++) {
      const cell = rows[r]![c];
      if (cell === undefined || cell.trim() === '') continue;
      filled++;
      if (isNumber(cell)) ok++;
    }
    return filled > 0 && ok >= 2 && ok >= filled / 2 ? [c] : [];
  });
  const numericColumns = numericIndices.map((c) => columns[c]!);
  if (numericColumns.length < 2 && !(options.xColumn && options.yColumn)) {
    throw new CsvError(
      numericColumns.length === 0
        ? `${name} has no numeric columns`
        : `${name} has only one numeric column (${numericColumns[0]}); x and y need two`,
    );
  }
  const xi = options.xColumn ? pickColumn(columns, options.xColumn, 'x') : numericIndices[0]!;
  const yi = options.yColumn
    ? pickColumn(columns, options.yColumn, 'y')
    : (numericIndices.find((c) => c !== xi) ?? numericIndices[1]!);
  if (xi === yi) throw new CsvError(`x and y are the same column (${columns[xi]})`);

  const xs: number[] = [];
  const ys: number[] = [];
  const skipped: Dataset['skipped'] = [];
  let skippedCount = 0;
  for (let r = dataStart; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.every((c) => c.trim() === '')) continue; // blank line: not a row
    const x = parseNumber(row[xi], decimalComma);
    const y = parseNumber(row[yi], decimalComma);
    if (inRange(x) && inRange(y)) {
      xs.push(x);
      ys.push(y);
      continue;
    }
    skippedCount++;
    if (skipped.length < MAX_REPORTED_SKIPS) {
      const badIsY = inRange(x);
      const bad = badIsY ? columns[yi] : columns[xi];
      const cell = (badIsY ? row[yi] : row[xi]) ?? '';
      const value = badIsY ? y : x;
      skipped.push({
        line: lineOf[r]!,
        reason:
          cell.trim() === ''
            ? `${bad} is missing`
            : Number.isFinite(value)
              ? `${bad} is out of range (beyond ±${LIMITS.maxAbsValue}): ${cell.slice(0, 40)}`
              : `${bad} is not a number: "${cell.slice(0, 40)}"`,
      });
    }
  }
  if (xs.length < 2) throw new CsvError(`${name} has fewer than two rows where ${columns[xi]} and ${columns[yi]} are both numbers`);
  const x = Float64Array.from(xs);
  if (x.every((v) => v === x[0])) throw new CsvError(`every ${columns[xi]} value is the same: no line can be fitted`);
  return {
    name,
    columns,
    numericColumns,
    xColumn: columns[xi]!,
    yColumn: columns[yi]!,
    hasHeader,
    delimiter,
    x,
    y: Float64Array.from(ys),
    skipped,
    skippedCount,
    totalRows: xs.length + skippedCount,
  };
}
