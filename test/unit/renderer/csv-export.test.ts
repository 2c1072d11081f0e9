/**
 * The CSV files the page writes: quoted where needed, text that a spreadsheet would run as a
 * formula defused with a leading ' (lane labels and file names are user text), numbers —
 * negative ones included — left as numbers.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { StepReport } from '../../../main/protocol/adversarial';
import { csvText } from '../../../renderer/export/csv-text';
import { historyCsv } from '../../../renderer/export/history-export';
import { reportsCsv } from '../../../renderer/labs/adversarial/reports-export';
import { batchCsv, universalCard, universalCsv } from '../../../renderer/labs/adversarial/batch-export';
import { vectorsCsv } from '../../../renderer/labs/spread/vectors-export';
import { ThinnedHistory } from '../../../renderer/run/thinned-history';

describe('CSV export', () => {
  it('should defuse text cells that start a formula, and nothing else', () => {
    const cells = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'plain', 'a=b', ' -lead space'];
    const text = csvText(['cell'], cells.map((c) => [c]));
    // Each defused cell is quoted with a leading ', as papaparse's escapeFormulae writes it.
    expect(text).toBe('cell\n"\'=1+1"\n"\'+1"\n"\'-1"\n"\'@SUM(A1)"\n"\'\tx"\n"\'\rx"\nplain\na=b\n" -lead space"\n');
    const back = Papa.parse<string[]>(text.trimEnd(), { newline: '\n' }).data.slice(1).map((r) => r[0]);
    expect(back).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", 'plain', 'a=b', ' -lead space']);
  });

  it('should write numbers as numbers, negative and non-finite ones included, and quote commas, quotes and newlines', () => {
    expect(csvText(['a', 'b', 'c', 'd'], [[-1.5, -Infinity, Number.NaN, -0.0001], [true, null, 'x, "y"', 'two\nlines']])).toBe(
      'a,b,c,d\n-1.5,-Infinity,NaN,-0.0001\ntrue,,"x, ""y""","two\nlines"\n',
    );
    expect(csvText(['a'], [])).toBe('a\n');
  });

  it('should defuse a lane label in the run history, keeping its negative values', () => {
    const history = new ThinnedHistory(['loss', 'slope'] as const);
    history.append(0, { loss: Float64Array.from([4, 2.5]), slope: Float64Array.from([-1, -0.75]) });
    const lanes = [
      { id: 'a', label: '=HYPERLINK("http://x","adam")', history },
      { id: 'b', label: '-lr 0.1, sgd', history },
    ];
    expect(historyCsv(lanes, ['loss', 'slope'])).toBe(
      'lane,iteration,loss,slope\n' +
        '"\'=HYPERLINK(""http://x"",""adam"")",0,4,-1\n"\'=HYPERLINK(""http://x"",""adam"")",1,2.5,-0.75\n' +
        '"\'-lr 0.1, sgd",0,4,-1\n"\'-lr 0.1, sgd",1,2.5,-0.75\n',
    );
  });

  it('should write vectors with their signs', () => {
    expect(vectorsCsv(Float32Array.from([-1, 0.5, 0, -0.25]), 2, 2)).toBe('x1,x2\n-1,0.5\n0,-0.25\n');
  });

  it('should defuse file names, class labels and errors in the attack reports and the folder table', () => {
    const report: StepReport = {
      step: 0,
      classification: { top5: [{ index: 0, label: '-tabby, cat', probability: 0.5 }], cat: 0.5, dog: null },
      targetConfidence: 0.25,
      success: false,
      distance: { linf: 0, l2: 0, l0Pixels: 0, psnrDb: null, ssim: 1 },
      stepMs: 0,
    };
    expect(reportsCsv([{ id: 'a', label: '@pgd', reports: [report] }]).split('\n')[1]).toBe(`"'@pgd",0,0,0.25,false,"'-tabby, cat",0.5,0.5,,0,0,0,,1,0`);
    const rows = batchCsv([
      { name: '=cmd|" /C calc"!A0.jpg', lane: '-signed', before: { index: 0, label: 'tabby', probability: 0.5 }, after: null, success: false, steps: 0, targetConfidence: 0, distance: null, error: '+refused' },
    ]).split('\n');
    expect(rows[1]).toBe(`"'=cmd|"" /C calc""!A0.jpg","'-signed",tabby,0.5,,,,0,,,,,,,"'+refused"`);
  });

  it("should write a universal perturbation's table a row per ε and image, image names defused, its card first", () => {
    const c = (label: string, probability: number) => ({ top5: [{ index: 0, label, probability }], cat: null, dog: null });
    const point = (epsilon: number, fooled: boolean[]) => ({
      epsilon,
      iterations: 2,
      step: 2.5 * epsilon,
      foolingRate: fooled.filter(Boolean).length / fooled.length,
      history: [0, 0.5],
      perImage: fooled.map((success, i) => ({ name: i ? '=evil.png' : 'cat.jpg', success, before: c('tabby', 0.75), after: c(success ? 'toaster' : 'tabby', 0.5) })),
      perturbation: new Int32Array(3),
      msPerIteration: 10,
    });
    const card = universalCard({ model: 'mobilenet_v1_0.75_224', images: ['cat.jpg', '=evil.png'], epsilons: [4, 8], iterations: 2, backend: 'wasm' });
    const lines = universalCsv([point(4, [false, true]), point(8, [true, true])], card).trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([expect.stringMatching(/^# app: Descent Lab /), '# lab: adversarial', '# made: universal perturbation']);
    expect(lines.slice(8)).toEqual([
      'epsilon,iterations,step,fooling_rate,image,original_class,original_p,class_with_delta,p_with_delta,fooled',
      '4,2,10,0.5,cat.jpg,tabby,0.75,tabby,0.5,false',
      `4,2,10,0.5,"'=evil.png",tabby,0.75,toaster,0.5,true`,
      '8,2,20,1,cat.jpg,tabby,0.75,toaster,0.5,true',
      `8,2,20,1,"'=evil.png",tabby,0.75,toaster,0.5,true`,
    ]);
  });

  it('should lead with the run card as comment lines that papaparse skips, one line a field', () => {
    const text = csvText(['lane', 'loss'], [['#1 adam', 0.5], ['sgd', -1]], { app: 'Descent Lab 0.1.0', lab: 'regression', lanes: [{ optimizer: 'adam', params: { learningRate: 0.1 } }], note: 'two\nlines' });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# app: Descent Lab 0.1.0',
      '# lab: regression',
      '# lanes: [{"optimizer":"adam","params":{"learningRate":0.1}}]',
      '# note: two lines',
    ]);
    // A first cell starting with # is quoted, so its row is not taken for a comment.
    const back = Papa.parse<string[]>(text.trimEnd(), { newline: '\n', comments: '#', dynamicTyping: true }).data;
    expect(back).toEqual([
      ['lane', 'loss'],
      ['#1 adam', 0.5],
      ['sgd', -1],
    ]);
  });
});
