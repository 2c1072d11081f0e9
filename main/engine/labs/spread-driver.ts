/**
 * The spread lab's side of a run: lanes on one shared start, five scalar series per lane, and
 * the vectors themselves (plus the pairwise-angle histogram) at a pace their size allows.
 */
import type { SpreadLaneBatch, SpreadReference, SpreadRunConfig } from '../../protocol/messages';
import type { LabFrame, LabStarted } from '../lab-driver';
import { SeriesLanes, SeriesLanesDriver } from './series-lanes';
import { SpreadLab, type SpreadLane } from './spread';
import { publishedOptimum } from './spread-reference';

/**
 * Vectors and histograms are the bulky part of a frame. Sending them at most this often per
 * lane, and less often as they grow (bytes, and the N² histogram pass), keeps a 2,000-vector,
 * 8-lane run from spending its time on copies the eye cannot follow.
 */
const MIN_STATE_INTERVAL_MS = 1000 / 30;
const STATE_BYTES_PER_MS = 20_000; // ≈ 20 MB/s over all lanes
const HISTOGRAM_PAIRS_PER_MS = 20_000;

const SERIES = ['loss', 'minAngleDeg', 'energy', 'nnMeanDeg', 'nnStdDeg', 'learningRate'] as const;

export class SpreadDriver extends SeriesLanesDriver<(typeof SERIES)[number], SpreadLane, SpreadLab> {
  private lastStateMs = -Infinity;
  private readonly stateIntervalMs: number;

  constructor(
    private readonly config: SpreadRunConfig,
    private readonly now: () => number = () => performance.now(),
  ) {
    const { n, dim, init } = config.problem;
    const lab = new SpreadLab({ n, dim, init }, config.seed);
    super(
      lab,
      new SeriesLanes(SERIES, config.lanes.length, (i) => lab.createLane(config.lanes[i]!, config.seed)),
      config.lanes.map((l) => l.optimizer),
    );
    const lanes = config.lanes.length;
    this.stateIntervalMs = Math.max(MIN_STATE_INTERVAL_MS, (lanes * n * dim * 4) / STATE_BYTES_PER_MS, (lanes * n * n) / 2 / HISTOGRAM_PAIRS_PER_MS);
  }

  override createLanes(): void {
    super.createLanes();
    this.lastStateMs = -Infinity;
  }

  started(): LabStarted {
    const { n, dim } = this.lab;
    return {
      lab: 'spread',
      n,
      dim,
      start: this.lab.start.slice(0, n * dim),
      reference: this.reference(),
      lanes: this.laneIntros().map((intro, i) => {
        const { loss, s, temperatureDeg } = this.config.lanes[i]!;
        return { ...intro, loss, s, temperatureDeg };
      }),
    };
  }

  /** Best published values, on the 3-D sphere only (the tables are for S²). */
  private reference(): SpreadReference | null {
    if (this.lab.dim !== 3) return null;
    const p = publishedOptimum(this.lab.n);
    if (!p) return null;
    return { thomsonEnergy: p.thomsonEnergy ?? null, tammesAngleDeg: p.tammesAngleDeg ?? null, sources: p.sources };
  }

  frame(from: number, to: number, runDone: boolean, final: boolean): LabFrame {
    const t = this.now();
    const withState = final || t - this.lastStateMs >= this.stateIntervalMs;
    if (withState) this.lastStateMs = t;
    const { n, dim } = this.lab;
    return {
      lab: 'spread',
      lanes: this.lanes.lanes.map((lane, i): SpreadLaneBatch => {
        const batch: SpreadLaneBatch = this.lanes.batch(i, from, to, runDone);
        if (withState) {
          batch.vectors = lane.vectors().slice(0, n * dim);
          batch.histogram = lane.angleHistogram();
        }
        return batch;
      }),
    };
  }
}
