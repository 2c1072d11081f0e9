import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import {
  SpreadLab,
  exactSpreadMetrics,
  polishEnergy,
  randomUnitVectors,
  type SpreadLaneSpec,
} from '../../../../main/engine/labs/spread';
import { SPREAD_LIMITS, spreadSizeProblem, type SpreadLossName } from '../../../../main/protocol/spread';

beforeAll(async () => {
  await selectBackend('cpu');
});

const DEG = 180 / Math.PI;

function lane(loss: SpreadLossName, extra: Partial<SpreadLaneSpec> = {}): SpreadLaneSpec {
  return {
    id: loss,
    optimizer: 'adam',
    params: { learningRate: 0.01 },
    loss,
    s: 1,
    temperatureDeg: loss === 'min-angle' || loss === 'min-angle-variance' ? 1 : 0,
    ...extra,
  };
}

/** Runs one lane for `iterations` steps and returns restart 0's vectors in float64. */
function descend(n: number, dim: number, spec: SpreadLaneSpec, iterations: number, seed = 3, init?: Float64Array): Float64Array {
  const lab = new SpreadLab({ n, dim, init }, seed);
  const l = lab.createLane(spec, seed);
  for (let i = 0; i < iterations && l.status === 'running'; i++) l.step();
  expect(l.status, spec.loss).toBe('running');
  const v = Float64Array.from(l.vectors());
  l.dispose();
  lab.dispose();
  return v;
}

/** Every pairwise cosine (each pair once), float64 from the float32 unit vectors. */
function cosines(v: Float64Array, n: number, dim: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let c = 0;
      for (let d = 0; d < dim; d++) c += v[i * dim + d]! * v[j * dim + d]!;
      out.push(c);
    }
  }
  return out;
}

describe('spread lab: known answers', () => {
  // Tetrahedron: cos = −1/3 between every pair, angle acos(−1/3) = 109.4712206°.
  it('should reach the tetrahedron for N = 4 in 3-D with every loss that has it as its optimum', () => {
    for (const [loss, iterations] of [['coulomb', 500], ['riesz', 500], ['min-angle', 800], ['min-angle-variance', 800]] as const) {
      const v = descend(4, 3, lane(loss, { s: 3 }), iterations);
      expect(exactSpreadMetrics(v, 4, 3).minAngleDeg, loss).toBeCloseTo(Math.acos(-1 / 3) * DEG, 2);
      for (const c of cosines(v, 4, 3)) expect(c, loss).toBeCloseTo(-1 / 3, 4);
    }
  });

  // Octahedron: three antipodal pairs on the axes; every other pair is at 90°.
  it('should reach the octahedron (90°) for N = 6 in 3-D', () => {
    for (const [loss, iterations] of [['coulomb', 800], ['min-angle', 1500], ['min-angle-variance', 1500]] as const) {
      const v = descend(6, 3, lane(loss), iterations);
      expect(exactSpreadMetrics(v, 6, 3).minAngleDeg, loss).toBeCloseTo(90, 2);
      const c = cosines(v, 6, 3).sort((a, b) => a - b);
      expect(c.slice(0, 3).every((x) => Math.abs(x + 1) < 1e-4), loss).toBe(true);
      expect(c.slice(3).every((x) => Math.abs(x) < 1e-4), loss).toBe(true);
    }
  });

  // Icosahedron: neighbours at atan(2) = 63.4349488°; Coulomb energy 49.165253058 (Thomson, N = 12).
  it('should reach the icosahedron for N = 12: 63.43° and Coulomb energy 49.165253058', () => {
    const coulomb = exactSpreadMetrics(descend(12, 3, lane('coulomb'), 1000), 12, 3);
    expect(Math.abs(coulomb.energy - 49.165253058) / 49.165253058).toBeLessThan(1e-6);
    expect(coulomb.minAngleDeg).toBeCloseTo(Math.atan(2) * DEG, 2);
    const minAngle = exactSpreadMetrics(descend(12, 3, lane('min-angle'), 2500), 12, 3);
    expect(Math.abs(minAngle.minAngleDeg - Math.atan(2) * DEG)).toBeLessThan(0.005);
    const riesz = exactSpreadMetrics(descend(12, 3, lane('riesz', { s: 6 }), 1000), 12, 3);
    expect(riesz.minAngleDeg).toBeCloseTo(Math.atan(2) * DEG, 2);
  });

  // N ≤ D + 1 points: the regular simplex, cos = −1/(N − 1) for every pair (also when D > N − 1,
  // where it spans an (N − 1)-dimensional subspace).
  it('should reach the regular simplex for N points in D ≥ N − 1 dimensions', () => {
    for (const [n, dim, loss] of [[5, 4, 'coulomb'], [8, 7, 'coulomb'], [4, 6, 'min-angle'], [6, 9, 'riesz']] as const) {
      const v = descend(n, dim, lane(loss, { s: 2 }), loss === 'min-angle' ? 1500 : 1000);
      for (const c of cosines(v, n, dim)) expect(c, `${n} in ${dim}-D, ${loss}`).toBeCloseTo(-1 / (n - 1), 4);
    }
  });

  // 2D points in D dimensions: ± each axis, so each vector has one antipode and is at 90° to the rest.
  it('should reach the cross-polytope (90°) for N = 2D in D dimensions', () => {
    for (const [dim, loss] of [[4, 'coulomb'], [5, 'riesz'], [4, 'min-angle']] as const) {
      const n = 2 * dim;
      const v = descend(n, dim, lane(loss, { s: 4 }), loss === 'min-angle' ? 2000 : 1000);
      expect(exactSpreadMetrics(v, n, dim).minAngleDeg, `${dim}-D ${loss}`).toBeCloseTo(90, 2);
      const c = cosines(v, n, dim).sort((a, b) => a - b);
      expect(c.slice(0, dim).every((x) => Math.abs(x + 1) < 1e-4), `${dim}-D ${loss}`).toBe(true);
      expect(c.slice(dim).every((x) => Math.abs(x) < 1e-4), `${dim}-D ${loss}`).toBe(true);
    }
  });

  // The force loss Σ|F_t| is zero at every equilibrium of the Coulomb energy, saddles included
  // (from seed 3, N = 4 settles on a square on a great circle). N = 3 has one equilibrium, the
  // equilateral triangle on a great circle, and a start near the tetrahedron stays there.
  it('should bring the force loss to an equilibrium: the triangle for N = 3, the tetrahedron from near it', () => {
    const triangle = descend(3, 3, lane('force', { params: { learningRate: 0.003 } }), 1500);
    for (const c of cosines(triangle, 3, 3)) expect(c).toBeCloseTo(-0.5, 3);
    const tetrahedron = [1, 1, 1, 1, -1, -1, -1, 1, -1, -1, -1, 1].map((x, i) => x + 0.05 * Math.sin(7 * i));
    const v = descend(4, 3, lane('force', { params: { learningRate: 0.003 } }), 1500, 3, Float64Array.from(tetrahedron));
    for (const c of cosines(v, 4, 3)) expect(c).toBeCloseTo(-1 / 3, 3);
  });

  it('should start every lane from the same seeded set, restart r from seed + r, and a given set as restart 0', () => {
    const a = new SpreadLab({ n: 5, dim: 3 }, 11, 3);
    const b = new SpreadLab({ n: 5, dim: 3 }, 12, 2);
    expect(Array.from(a.start.subarray(15, 30))).toEqual(Array.from(b.start.subarray(0, 15)));
    expect(Array.from(a.start.subarray(0, 15))).toEqual(Array.from(Float32Array.from(randomUnitVectors(5, 3, 11))));
    const given = new SpreadLab({ n: 2, dim: 3, init: Float64Array.from([3, 0, 0, 0, 1e-200, 2e-200]) }, 1);
    expect(Array.from(given.start)).toEqual([1, 0, 0, 0, 0.4472135901451111, 0.8944271802902222]);
    expect(() => new SpreadLab({ n: 2, dim: 3, init: Float64Array.from([1, 0, 0, 0, 0, 0]) }, 1)).toThrow(/vector 2 has zero/);
    for (const lab of [a, b, given]) lab.dispose();
  });
});

/**
 * Independent float64 versions of each training loss, as the engine defines it (rows normalised
 * inside, so a central difference in x is the tangent gradient at unit rows).
 */
const COS_FLOOR = -1 + 2 ** -23;
function referenceLoss(x: Float64Array, n: number, dim: number, loss: SpreadLossName, s: number, tRad: number): number {
  const u = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    const norm = Math.hypot(...x.subarray(i * dim, (i + 1) * dim));
    for (let d = 0; d < dim; d++) u[i * dim + d] = x[i * dim + d]! / norm;
  }
  const dot = (i: number, j: number) => {
    let c = 0;
    for (let d = 0; d < dim; d++) c += u[i * dim + d]! * u[j * dim + d]!;
    return c;
  };
  const dist2 = (i: number, j: number) => {
    let c = 0;
    for (let d = 0; d < dim; d++) c += (u[i * dim + d]! - u[j * dim + d]!) ** 2;
    return c;
  };
  if (loss === 'coulomb' || loss === 'riesz') {
    let e = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) e += dist2(i, j) ** (-s / 2);
    return loss === 'coulomb' ? e : e ** (1 / s);
  }
  if (loss === 'force') {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const f = new Float64Array(dim);
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const w = dist2(i, j) ** -1.5;
        for (let d = 0; d < dim; d++) f[d]! += w * (u[i * dim + d]! - u[j * dim + d]!);
      }
      let radial = 0;
      for (let d = 0; d < dim; d++) radial += f[d]! * u[i * dim + d]!;
      let t2 = 0;
      for (let d = 0; d < dim; d++) t2 += (f[d]! - radial * u[i * dim + d]!) ** 2;
      total += Math.sqrt(t2);
    }
    return total;
  }
  // Angles over the whole N×N matrix, each pair twice and the diagonal held at acos(COS_FLOOR).
  const theta = (i: number, j: number) => (i === j ? Math.acos(COS_FLOOR) : Math.acos(dot(i, j)));
  const softMin = (values: number[]) =>
    tRad > 0 ? -tRad * Math.log(values.reduce((a, v) => a + Math.exp(-v / tRad), 0)) : Math.min(...values);
  const all: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: n }, (_, j) => theta(i, j));
    all.push(...row);
    rows.push(softMin(row));
  }
  const minAngle = softMin(all);
  if (loss === 'min-angle') return -minAngle;
  const mean = rows.reduce((a, b) => a + b, 0) / n;
  const variance = rows.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return -(minAngle - 0.4 * variance);
}

describe('spread lab: gradients against finite differences', () => {
  // Central differences in float64 with h = 1e-6: truncation ~h²·f‴ and rounding ~1e-16/h, both
  // under 1e-9 relative. The engine's gradient is float32 from float32 vectors, so agreement to
  // ~1e-3 of the gradient's size is what float32 allows near acos's and d⁻³'s steep parts.
  const cases: [SpreadLossName, number, number, number, number][] = [
    // loss, n, dim, s, temperature (degrees)
    ['coulomb', 7, 3, 1, 0],
    ['riesz', 7, 3, 3, 0],
    ['riesz', 6, 5, 12, 0],
    ['force', 7, 3, 1, 0],
    ['min-angle', 7, 3, 1, 5],
    ['min-angle', 7, 3, 1, 0],
    ['min-angle-variance', 7, 3, 1, 5],
    ['min-angle-variance', 7, 3, 1, 0],
    ['min-angle-variance', 6, 5, 1, 20],
  ];
  for (const [loss, n, dim, s, temperatureDeg] of cases) {
    it(`should match for ${loss}${loss === 'riesz' ? ` s = ${s}` : ''}${temperatureDeg ? ` at ${temperatureDeg}°` : ''} (N = ${n}, D = ${dim}, 2 restarts)`, () => {
      const restarts = 2;
      const lab = new SpreadLab({ n, dim }, 5, restarts);
      const l = lab.createLane(lane(loss, { s, temperatureDeg }), 5);
      const { loss: value, gradient } = l.lossAndGradient();
      const x = Float64Array.from(l.vectors());
      l.dispose();
      lab.dispose();
      const tRad = temperatureDeg / DEG;
      const per = n * dim;
      let expected = 0;
      const fd = new Float64Array(x.length);
      const h = 1e-6;
      for (let r = 0; r < restarts; r++) {
        const xr = x.slice(r * per, (r + 1) * per);
        expected += referenceLoss(xr, n, dim, loss, s, tRad);
        for (let k = 0; k < per; k++) {
          const keep = xr[k]!;
          xr[k] = keep + h;
          const up = referenceLoss(xr, n, dim, loss, s, tRad);
          xr[k] = keep - h;
          const down = referenceLoss(xr, n, dim, loss, s, tRad);
          xr[k] = keep;
          fd[r * per + k] = (up - down) / (2 * h);
        }
      }
      expect(Math.abs(value - expected) / Math.abs(expected)).toBeLessThan(1e-5);
      const scale = Math.max(...fd.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      let err2 = 0;
      let norm2 = 0;
      for (let k = 0; k < fd.length; k++) {
        expect(Math.abs(gradient[k]! - fd[k]!), `component ${k}`).toBeLessThan(2e-3 * scale);
        err2 += (gradient[k]! - fd[k]!) ** 2;
        norm2 += fd[k]! ** 2;
      }
      expect(Math.sqrt(err2 / norm2)).toBeLessThan(1e-3);
    });
  }
});

describe('spread lab: tensors and memory', () => {
  // Between steps only the lane's variable x, the optimizer's slots (Adam: m and v for x, plus
  // its two accumulated-beta scalars made on the first step) and, for energies, the kept pair
  // weights survive. Counts are read after the first step, when the slots exist.
  it('should hold the same number of tensors after 10 and after 10,000 steps, and free them all on dispose', () => {
    const baseline = tf.memory().numTensors;
    const lab = new SpreadLab({ n: 6, dim: 3 }, 1, 2);
    const lanes = [
      lab.createLane(lane('coulomb'), 1),
      lab.createLane(lane('min-angle', { optimizer: 'momentum', params: { learningRate: 0.001, momentum: 0.9 } }), 1),
      lab.createLane(lane('riesz', { s: 4, optimizer: 'sgd', params: { learningRate: 1e-3, batchSize: 3 } }), 1),
      lab.createLane(lane('min-angle-variance', { temperatureDeg: 0 }), 1),
      lab.createLane(lane('force', { optimizer: 'rmsprop' }), 1),
    ];
    const counts: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      lanes[0]!.step();
      if (i <= 1_000) for (const l of lanes.slice(1)) l.step();
      if (i === 10 || i === 1_000 || i === 10_000) counts.push(tf.memory().numTensors);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    lanes[0]!.angleHistogram();
    lanes[0]!.lossAndGradient();
    expect(tf.memory().numTensors).toBe(counts[0]);
    for (const l of lanes) l.dispose();
    lab.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('should refuse sizes past the limits with a clear message', () => {
    expect(spreadSizeProblem(4097, 3)).toMatch(/N must be an integer from 2 to 4096/);
    expect(spreadSizeProblem(1, 3)).toMatch(/N must be/);
    expect(spreadSizeProblem(10, 1)).toMatch(/D must be an integer from 2/);
    expect(spreadSizeProblem(4096, 512)).toMatch(/N × D = 2097152 is over the limit/);
    expect(spreadSizeProblem(2000, 3, 8)).toMatch(/restarts × N² = 32000000 pair entries would exhaust memory/);
    expect(spreadSizeProblem(2000, 64)).toBeUndefined();
    expect(() => new SpreadLab({ n: 5000, dim: 3 }, 1)).toThrow(RangeError);
  });

  // One N×N float32 matrix at N = 2,000 is 16 MB. A Coulomb step (7 passes over N², the kept
  // pair weights) peaked at ≈ 6 such matrices when measured, the autodiff min-angle step at ≈ 23.
  // Run on wasm, the lab's backend in the app, whose heap stops at 4 GiB; tfjs-cpu takes ~10× as long.
  it('should step N = 2,000 vectors in 3-D and 64-D on wasm within a few N² matrices of memory', async () => {
    await selectBackend('wasm');
    try {
      const n = 2000;
      const matrixBytes = n * n * 4;
      for (const [dim, loss, bound] of [[3, 'coulomb', 8], [64, 'coulomb', 8], [3, 'min-angle', 30]] as const) {
        const lab = new SpreadLab({ n, dim }, 1);
        const l = lab.createLane(lane(loss), 1);
        const before = l.current.minAngleDeg;
        const info = await tf.profile(() => {
          l.step();
        });
        expect(info.peakBytes / matrixBytes, `${dim}-D ${loss}`).toBeLessThan(bound);
        l.step();
        expect(l.status).toBe('running');
        expect(Number.isFinite(l.current.energy)).toBe(true);
        expect(l.current.minAngleDeg, `${dim}-D ${loss}`).toBeGreaterThan(before);
        expect(l.vectors()).toHaveLength(n * dim);
        l.dispose();
        lab.dispose();
      }
    } finally {
      await selectBackend('cpu');
    }
  });
});

describe('spread lab: metrics', () => {
  it('should report the same metrics per step as the float64 reference, and a histogram of every pair', () => {
    const lab = new SpreadLab({ n: 9, dim: 4 }, 2, 3);
    const l = lab.createLane(lane('riesz', { s: 2 }), 2);
    for (let i = 0; i < 20; i++) l.step();
    const v = l.vectors();
    for (let r = 0; r < 3; r++) {
      const exact = exactSpreadMetrics(v.subarray(r * 36, (r + 1) * 36), 9, 4, 2);
      const got = l.restartState(r);
      expect(got.minAngleDeg).toBeCloseTo(exact.minAngleDeg, 3);
      expect(got.energy / exact.energy).toBeCloseTo(1, 5);
      expect(got.loss / exact.rieszEnergy ** 0.5).toBeCloseTo(1, 5);
      expect(got.nnMeanDeg).toBeCloseTo(exact.nnMeanDeg, 3);
      expect(got.nnStdDeg).toBeCloseTo(exact.nnStdDeg, 3);
    }
    expect(l.current).toEqual({ ...l.restartState(0), learningRate: 0.01 });
    const best = l.bestRestart();
    for (let r = 0; r < 3; r++) expect(l.restartState(best).loss).toBeLessThanOrEqual(l.restartState(r).loss);
    const histogram = l.angleHistogram(18);
    expect(histogram.reduce((a, b) => a + b, 0)).toBe((9 * 8) / 2);
    l.dispose();
    lab.dispose();
  });

  it('should polish an energy minimum in float64 without leaving its basin', () => {
    // Start: the float32 icosahedron the Coulomb lane reaches; polish: float64's last digits.
    const v = descend(12, 3, lane('coulomb'), 600);
    const p = polishEnergy(v, 12, 3);
    expect(p.energy).toBeLessThanOrEqual(p.before);
    // The icosahedron's energy in closed form: 6 antipodal pairs at 2, 30 neighbours at
    // 2 sin(atan(2)/2), 30 at 2 cos(atan(2)/2).
    const half = Math.atan(2) / 2;
    const exact = 6 / 2 + 30 / (2 * Math.sin(half)) + 30 / (2 * Math.cos(half));
    expect(Math.abs(p.energy - exact) / exact).toBeLessThan(1e-13);
  });

  it('should refuse exactly the sizes the shared protocol refuses', () => {
    // The lab checks the protocol's limits, not its own copy: one past each is refused, the limit itself is not.
    const L = SPREAD_LIMITS;
    expect(() => new SpreadLab({ n: L.maxVectors + 1, dim: 2 }, 1)).toThrow(/N must be an integer from 2 to 4096/);
    expect(() => new SpreadLab({ n: L.minVectors - 1, dim: 2 }, 1)).toThrow(/N must be/);
    expect(() => new SpreadLab({ n: 2, dim: L.maxDim + 1 }, 1)).toThrow(/D must be an integer from 2 to 1024/);
    const atLimits = [new SpreadLab({ n: 2, dim: L.maxDim }, 1), new SpreadLab({ n: L.minVectors, dim: L.minDim }, 1)];
    expect(atLimits.map((lab) => lab.start.length)).toEqual([2 * L.maxDim, L.minVectors * L.minDim]);
    for (const lab of atLimits) lab.dispose();
  });
});
