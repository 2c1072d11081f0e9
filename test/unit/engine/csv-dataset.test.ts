import { describe, expect, it } from 'vitest';
import { CsvError, parseCsvDataset } from '../../../main/engine/csv-dataset';

describe('CSV datasets', () => {
  it('should read a header and pick the first two numeric columns, skipping text columns', () => {
    const d = parseCsvDataset('Gender,Height,Weight\n"Male",70,180\n"Male",72,200\n');
    expect([d.xColumn, d.yColumn, d.hasHeader]).toEqual(['Height', 'Weight', true]);
    expect(Array.from(d.x)).toEqual([70, 72]);
    expect(d.numericColumns).toEqual(['Height', 'Weight']);
  });

  it('should read a file without a header and name its columns by number', () => {
    const d = parseCsvDataset('1,2\n3,4\n5,6');
    expect(d.hasHeader).toBe(false);
    expect(d.columns).toEqual(['column 1', 'column 2']);
    expect(Array.from(d.y)).toEqual([2, 4, 6]);
  });

  it('should detect semicolons with decimal commas, and tabs', () => {
    const semi = parseCsvDataset('a;b\n1,5;2,25\n3,5;4\n');
    expect(semi.delimiter).toBe(';');
    expect(Array.from(semi.x)).toEqual([1.5, 3.5]);
    expect(Array.from(semi.y)).toEqual([2.25, 4]);
    const tab = parseCsvDataset('a\tb\n1\t2\n3\t4\n');
    expect(tab.delimiter).toBe('\t');
  });

  it('should count and report rows that do not parse, with their 1-based line numbers', () => {
    const d = parseCsvDataset('x,y\n1,2\n2,oops\n\n3,\n4,8\n5,10\n');
    expect(d.x.length).toBe(3);
    expect(d.skippedCount).toBe(2);
    expect(d.skipped).toEqual([
      { line: 3, reason: 'y is not a number: "oops"' },
      { line: 5, reason: 'y is missing' },
    ]);
    expect(d.totalRows).toBe(5); // the blank line 4 is not a row
  });

  it('should choose columns by name (case-insensitively) or by 1-based number', () => {
    const text = 'id,a,b,c\n1,10,20,30\n2,11,21,31\n3,12,22,32\n';
    const byName = parseCsvDataset(text, { xColumn: 'C', yColumn: 'a' });
    expect([byName.xColumn, byName.yColumn]).toEqual(['c', 'a']);
    const byIndex = parseCsvDataset(text, { xColumn: '3', yColumn: '4' });
    expect([byIndex.xColumn, byIndex.yColumn]).toEqual(['b', 'c']);
    expect(() => parseCsvDataset(text, { xColumn: 'zz', yColumn: 'a' })).toThrow(/no column "zz" for x \(columns: id, a, b, c\)/);
  });

  it('should strip a byte-order mark and handle quoted fields with delimiters inside', () => {
    const d = parseCsvDataset('\ufeff"name, full",x,y\n"Smith, J",1,2\n"Doe, A",2,4\n');
    expect(d.columns).toEqual(['name, full', 'x', 'y']);
    expect(Array.from(d.y)).toEqual([2, 4]);
  });

  it('should read a headerless file whose first row has text only where the data has text', () => {
    const d = parseCsvDataset('"Male",73.8,241.8\n"Male",68.7,162.3\n"Female",60,120\n');
    expect(d.hasHeader).toBe(false);
    expect(d.x.length).toBe(3);
    expect([d.xColumn, d.yColumn]).toEqual(['column 2', 'column 3']);
  });

  it('should treat a first row with numbers under numeric columns as data, reporting its bad cell', () => {
    const d = parseCsvDataset('NA,2\n1,4\n3,7\n4,9\n');
    expect(d.hasHeader).toBe(false);
    expect(d.x.length).toBe(3);
    expect(d.skipped).toEqual([{ line: 1, reason: 'column 1 is not a number: "NA"' }]);
  });

  it('should give file line numbers even after quoted fields that span lines, and with CRLF endings', () => {
    const quoted = parseCsvDataset('name,x,y\n"a\nb",1,2\nc,oops,3\nd,3,4\ne,5,6\n');
    expect(quoted.skipped).toEqual([{ line: 4, reason: 'x is not a number: "oops"' }]);
    const crlf = parseCsvDataset('x,y\r\n1,2\r\nz,3\r\n4,5\r\n\r\n5,6\r\nw,1\r\n');
    expect(crlf.skipped.map((s) => s.line)).toEqual([3, 7]);
  });

  it('should skip values too large for the engine, saying so', () => {
    const d = parseCsvDataset('x,y\n1,2\n2,1e200\n3,4\n4,5\n');
    expect(d.skipped).toEqual([{ line: 3, reason: 'y is out of range (beyond ±1e+30): 1e200' }]);
  });

  it('should load large files (200,000 rows) without overflowing the stack', () => {
    const lines = ['x,y'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${2 * i + 1}`);
    const d = parseCsvDataset(lines.join('\n'));
    expect(d.x.length).toBe(200_000);
    expect(d.y[199_999]).toBe(399_999);
  });

  it('should default x and y to the first two numeric columns even when their headers repeat', () => {
    const d = parseCsvDataset('a,a\n1,2\n3,5\n');
    expect(Array.from(d.x)).toEqual([1, 3]);
    expect(Array.from(d.y)).toEqual([2, 5]);
  });

  it('should refuse unusable files with a clear message', () => {
    expect(() => parseCsvDataset('')).toThrow(CsvError);
    expect(() => parseCsvDataset('a,b\nfoo,bar\nbaz,qux\n')).toThrow(/no numeric columns/);
    expect(() => parseCsvDataset('a,b\n1,x\n2,y\n', { name: 'one.csv' })).toThrow(/only one numeric column \(a\)/);
    expect(() => parseCsvDataset('x,y\n1,2\n')).toThrow(/at least two data rows/);
    expect(() => parseCsvDataset('x,y\n3,2\n3,5\n')).toThrow(/every x value is the same/);
    expect(() => parseCsvDataset('PK\u0003\u0004\u0000\u0000binary')).toThrow(/not a text file/);
  });
});
