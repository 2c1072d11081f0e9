/** One regression lane's loss, (slope, intercept) path and learning rate, thinned past 262,144 entries. */
import { ThinnedHistory, type SavedHistory } from '../../run/thinned-history';

type Key = 'loss' | 'slope' | 'intercept' | 'learningRate';
const KEYS: readonly Key[] = ['loss', 'slope', 'intercept', 'learningRate'];

export class LaneHistory extends ThinnedHistory<Key> {
  constructor() {
    super(KEYS);
  }

  static from(saved: SavedHistory): LaneHistory {
    return Object.assign(new LaneHistory(), ThinnedHistory.load(KEYS, saved));
  }

  get loss(): Float64Array {
    return this.values.loss;
  }
  get slope(): Float64Array {
    return this.values.slope;
  }
  get intercept(): Float64Array {
    return this.values.intercept;
  }
  get lastLoss(): number {
    return this.last.loss;
  }
  get lastSlope(): number {
    return this.last.slope;
  }
  get lastIntercept(): number {
    return this.last.intercept;
  }
  get firstLoss(): number {
    return this.first.loss;
  }
  get firstSlope(): number {
    return this.first.slope;
  }
  get firstIntercept(): number {
    return this.first.intercept;
  }

  lossAt(iteration: number): number {
    return this.at('loss', iteration);
  }
}
