import { describe, expect, it } from 'vitest';
import { VectorsFileError, parseVectorsFile } from '../../../../main/engine/labs/spread-vectors-file';

describe('vectors file', () => {
  it('should read CSV rows of numbers, skipping a header, comments and blank lines', () => {
    const set = parseVectorsFile('x,y,z\n# the octahedron, half of it\n1,0,0\n\n0, 1, 0\r\n0,0,2e0\n', 'oct.csv');
    expect(set).toMatchObject({ n: 3, dim: 3 });
    expect(Array.from(set.vectors)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 2]);
    const square = [1, 0, 0, 1, -1, -0.5];
    // Space-aligned columns (numpy.savetxt, MATLAB's -ascii), tabs, semicolons.
    expect(Array.from(parseVectorsFile('   1.0e+00   0\n   0         1\n  -1        -.5\n').vectors)).toEqual(square);
    expect(Array.from(parseVectorsFile('x\ty\n1\t0\n0\t1\n-1\t-.5\n').vectors)).toEqual(square);
    expect(Array.from(parseVectorsFile('1;0\n0;1\n-1;-.5\n').vectors)).toEqual(square);
  });

  it('should read quoted cells, and comments that hold quotes or delimiters', () => {
    // A regex split kept the quotes ("\"1\"" is no number) and cut the header at its comma.
    const set = parseVectorsFile('"x, first","y"\n# the "unit, square\n"1","0"\n"0",1\n', 'q.csv');
    expect(Array.from(set.vectors)).toEqual([1, 0, 0, 1]);
    expect(() => parseVectorsFile('1,0\n# a note\n"0",\n', 'q.csv')).toThrow(/q\.csv: line 3, column 2: "" is not a finite number/);
  });

  it('should read JSON as an array of arrays or as the CLI\u2019s output with a "vectors" field', () => {
    expect(parseVectorsFile('[[1, 0], [0, 1], [-1, 0]]')).toMatchObject({ n: 3, dim: 2 });
    const fromCli = parseVectorsFile(JSON.stringify({ lab: 'spread', vectors: [[0.6, 0.8, 0], [0, 0, 1]] }));
    expect(Array.from(fromCli.vectors)).toEqual([0.6, 0.8, 0, 0, 0, 1]);
    expect(parseVectorsFile('\uFEFF  [[1,2],[3,4]]').n).toBe(2);
  });

  it('should reject bad files with one clear message naming the place', () => {
    const cases: [string, RegExp][] = [
      ['1,0,0\n0,1\n', /f: line 2 has 2 numbers, expected 3 like the first vector/],
      ['1,0,0\n0,one,0\n', /f: line 2, column 2: "one" is not a finite number/],
      ['1,0,0\n0;0;1\n', /f: line 2, column 1: "0;0;1" is not a finite number/],
      ['"x\nfirst",y\n1,0\n0,one\n', /f: line 4, column 2: "one" is not a finite number/],
      ['1,0\n"0\n1",1\n', /f: line 2, column 1: "0\\n1" is not a finite number/],
      ['1,0\n1e999,0\n', /line 2, column 1: "1e999" is not a finite number/],
      ['1,0,0\n0,0,0\n', /line 2 is all zeros/],
      ['1,0\n2,0\n', /line 2 points the same way as line 1; coincident vectors never separate/],
      ['a,b\n', /no vectors found/],
      ['', /no vectors found/],
      ['1,0,0\n', /1 vectors of 3 numbers: N must be an integer from 2/],
      ['1\n2\n', /D must be an integer from 2/],
      ['[[1,0],[0,"1"]]', /vector 2, entry 2 is "1", not a finite number/],
      ['[[1,0],5]', /vector 2 is not an array of numbers/],
      ['[[1,0],[0,1,2]]', /vector 2 has 3 numbers, expected 2/],
      ['{"points": []}', /an object with a "vectors" array/],
      ['[1,2', /not valid JSON/],
      [`[${Array.from({ length: 4097 }, () => '[1,0]').join(',')}]`, /4097 vectors; the limit is 4096/],
      [Array.from({ length: 4097 }, (_, i) => `${i + 1},1`).join('\n'), /more than 4096 vectors/],
      [Array.from({ length: 3000 }, (_, i) => Array.from({ length: 400 }, (_, d) => (d === 0 ? i + 1 : 1)).join(',')).join('\n'), /N × D = 1200000 is over the limit/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseVectorsFile(text, 'f');
      } catch (e) {
        error = e;
      }
      expect(error, text.slice(0, 40)).toBeInstanceOf(VectorsFileError);
      expect((error as Error).message, text.slice(0, 40)).toMatch(message);
      expect((error as Error).message).not.toMatch(/\n/);
    }
  });

  it('should keep huge and tiny entries that only give a direction', () => {
    const set = parseVectorsFile('1e200,1e200\n-1e-200,0\n');
    expect(set.vectors[0]).toBe(1e200);
    expect(set.n).toBe(2);
  });
});
