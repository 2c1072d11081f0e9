/**
 * Every CSV file the app writes (run histories, spread vectors, attack reports, the folder
 * table) goes through here: papaparse quotes what needs quoting, and text cells a spreadsheet
 * would run as a formula — starting = + - @, tab or CR, such as a lane label or a file name,
 * which are user text — get a leading ' (OWASP's advice on CSV injection). Numbers stay
 * numbers, negative ones included: pass them as numbers, not strings.
 */
import Papa from 'papaparse';

export type CsvCell = string | number | boolean | null;

export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  // The header as a row, not as `fields`: papaparse writes an empty row for `fields` with no data.
  return Papa.unparse<readonly CsvCell[]>([header, ...rows], { newline: '\n', escapeFormulae: true }) + '\n';
}
