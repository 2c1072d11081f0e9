/**
 * Every CSV file the app writes (run histories, spread vectors, attack reports, the folder
 * table) goes through here: papaparse quotes what needs quoting, and text cells a spreadsheet
 * would run as a formula — starting = + - @, tab or CR, such as a lane label or a file name,
 * which are user text — get a leading ' (OWASP's advice on CSV injection). Numbers stay
 * numbers, negative ones included: pass them as numbers, not strings.
 *
 * The settings that produced a file (the run card) go first as `# key: value` lines, which
 * papaparse (`comments: '#'`), pandas (`comment='#'`) and R (`comment.char = '#'`) skip.
 */
import Papa from 'papaparse';

export type CsvCell = string | number | boolean | null;

/** `# key: value` lines, one a field; objects as JSON, on one line. */
export function csvComments(fields: Record<string, unknown> | null | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `# ${k}: ${(typeof v === 'string' ? v : JSON.stringify(v)).replace(/[\r\n]+/g, ' ')}\n`)
    .join('');
}

export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[], card?: Record<string, unknown> | null): string {
  // The header as a row, not as `fields`: papaparse writes an empty row for `fields` with no data.
  // A first cell starting with # is quoted, so that a reader skipping comment lines keeps its row.
  const quotes = (value: unknown, column: number) => column === 0 && typeof value === 'string' && value.startsWith('#');
  return csvComments(card) + Papa.unparse<readonly CsvCell[]>([header, ...rows], { newline: '\n', escapeFormulae: true, quotes }) + '\n';
}
