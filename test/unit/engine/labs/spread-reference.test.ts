import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { SpreadLab } from '../../../../main/engine/labs/spread';
import { parseReferenceTable, publishedCounts, publishedOptimum } from '../../../../main/engine/labs/spread-reference';
import type { SpreadLossName } from '../../../../main/protocol/spread';

// wasm, the lab's backend in the app: these runs are ~2× faster there than on tfjs-cpu, and
// both are deterministic (spread.test.ts covers the same engine paths on cpu).
beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(async () => {
  await selectBackend('cpu');
});

/** Best restart's float64 metrics after `iterations` steps of Adam at 0.01 on `restarts` seeded starts. */
function bestOf(n: number, loss: SpreadLossName, restarts: number, iterations: number, seed: number) {
  const lab = new SpreadLab({ n, dim: 3 }, seed, restarts);
  const lane = lab.createLane({ id: 'a', optimizer: 'adam', params: { learningRate: 0.01 }, loss, s: 1, temperatureDeg: loss === 'min-angle' ? 1 : 0 }, seed);
  for (let i = 0; i < iterations; i++) lane.step();
  const { all, best: index } = lane.restartMetrics();
  const best = all[index]!;
  lane.dispose();
  lab.dispose();
  return best;
}

describe('published optima', () => {
  it('should ship both tables with their sources and look up N', () => {
    const icosahedron = publishedOptimum(12)!;
    expect(icosahedron.thomsonEnergy).toBe(49.165253058);
    expect(icosahedron.thomsonSymmetry).toBe('Ih');
    expect(icosahedron.tammesAngleDeg).toBe(63.4349488);
    expect(icosahedron.tammesStatus).toMatch(/^proven/);
    expect(icosahedron.sources.join('\n')).toMatch(/Source: Wikipedia, "Thomson problem"/);
    expect(icosahedron.sources.join('\n')).toMatch(/Source: N\. J\. A\. Sloane, Tables of Spherical Codes/);
    const only = publishedOptimum(100)!;
    expect(only.thomsonEnergy).toBe(4448.350634331);
    expect(only.tammesAngleDeg).toBeUndefined();
    expect(only.sources.join('\n')).not.toMatch(/Sloane/);
    expect(publishedOptimum(1)).toBeUndefined();
    expect(publishedOptimum(205)).toBeUndefined();
    const counts = publishedCounts();
    expect(counts[0]).toBe(2);
    expect(counts.slice(0, 31)).toEqual(Array.from({ length: 31 }, (_, i) => i + 2));
  });

  it('should parse a table: comments as notes, a header, rows keyed by n', () => {
    const t = parseReferenceTable('# a note\n#second\nn,value\n3,1.5\n\n4, 2 \nx,9\n');
    expect(t.notes).toEqual(['a note', 'second']);
    expect(t.rows.get(3)).toEqual({ n: '3', value: '1.5' });
    expect(t.rows.get(4)).toEqual({ n: '4', value: '2' });
    expect(t.rows.size).toBe(2);
    // Quoted cells keep their commas and quotes (a split on "," cut them apart).
    const quoted = parseReferenceTable('# a "note, quoted\nn,symmetry,min_angle_deg\n7,"D5h, ""pentagonal""",72.000\n');
    expect(quoted.notes).toEqual(['a "note, quoted']);
    expect(quoted.rows.get(7)).toEqual({ n: '7', symmetry: 'D5h, "pentagonal"', min_angle_deg: '72.000' });
  });

  // All N ≤ 32 (Thomson) and N ≤ 24 (Tammes, as far as the table goes) are checked by
  // `npm run bench` (scripts/bench-spread.ts); here a spread of sizes keeps the suite short.
  // Energies and angles are float64, from the float32 vectors the lane reached: no polish.
  it('should reach the published Thomson energies to 1e-6 relative with the Coulomb loss and 8 restarts', () => {
    for (const n of [5, 11, 16, 22, 32]) {
      const published = publishedOptimum(n)!.thomsonEnergy!;
      const best = bestOf(n, 'coulomb', 8, 2000, 1);
      expect(Math.abs(best.energy - published) / published, `N = ${n}`).toBeLessThan(1e-6);
    }
  });

  it('should reach the published Tammes angles to 0.05° with the softened min-angle loss', () => {
    for (const [n, restarts] of [[8, 2], [17, 2], [24, 2]] as const) {
      const published = publishedOptimum(n)!.tammesAngleDeg!;
      const best = bestOf(n, 'min-angle', restarts, 3000, 1);
      expect(published - best.minAngleDeg, `N = ${n}`).toBeLessThan(0.05);
      // The table's 7th decimal may be truncated; a float64 angle above it by more is suspect.
      expect(best.minAngleDeg - published, `N = ${n}`).toBeLessThan(1e-6);
    }
  });
});
