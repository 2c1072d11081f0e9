/**
 * CSV text → records, the one tokeniser every file the engine reads goes through (data tables,
 * vectors files, the published-optimum tables): papaparse does quotes, delimiters and line
 * endings; this adds the file line each record starts on, for messages that name the place.
 */
import Papa from 'papaparse';

export interface CsvRecords {
  /** Each record's cells as papaparse split them: quotes removed, spaces kept. */
  rows: string[][];
  /** The file line (1-based) on which each record starts: quoted fields may span lines. */
  lineOf: number[];
  /** The delimiter used, given or guessed. */
  delimiter: string;
}

export interface CsvReadOptions {
  /** The delimiter, or '' to let papaparse guess among `delimitersToGuess`. */
  delimiter: string;
  delimitersToGuess?: string[];
  /** Lines starting with this are skipped, as papaparse's `comments`. */
  comments?: string;
}

/** Line breaks in `s`: \n, \r\n and a lone \r each count once. */
function lineBreaks(s: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) count++;
  }
  return count;
}

export function readCsvRecords(body: string, options: CsvReadOptions): CsvRecords {
  const rows: string[][] = [];
  const lineOf: number[] = [];
  let delimiter = options.delimiter || ',';
  // Line breaks before `scanned`, counted once as the cursor moves on.
  let scanned = 0;
  let breaks = 0;
  Papa.parse<string[]>(body, {
    header: false,
    skipEmptyLines: false,
    delimiter: options.delimiter,
    ...(options.delimitersToGuess ? { delimitersToGuess: options.delimitersToGuess } : {}),
    ...(options.comments ? { comments: options.comments } : {}),
    step: (result) => {
      // The cursor is just past the record, its own line break included when it has one.
      let end = result.meta.cursor;
      if (body.charCodeAt(end - 1) === 10) end--;
      if (body.charCodeAt(end - 1) === 13) end--;
      breaks += lineBreaks(body, scanned, end);
      scanned = end;
      let inside = 0;
      for (const cell of result.data) inside += lineBreaks(cell, 0, cell.length);
      rows.push(result.data);
      lineOf.push(1 + breaks - inside);
      delimiter = result.meta.delimiter || delimiter;
    },
  });
  return { rows, lineOf, delimiter };
}

/**
 * Papaparse's guess picks the comma in "1,5;2,25" (European decimals); prefer a delimiter that
 * appears the same number of times on each of the first lines, in the order given. Comment
 * lines, when `comments` is given, are not sampled.
 */
export function guessDelimiter(text: string, candidates: readonly string[], comments?: string): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !(comments && l.startsWith(comments)))
    .slice(0, 10);
  for (const d of candidates) {
    const counts = lines.map((l) => l.split(d).length - 1);
    if (counts.length && counts.every((c) => c > 0 && c === counts[0])) return d;
  }
  return undefined;
}
