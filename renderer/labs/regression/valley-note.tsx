import type { RegressionStats } from '../../../main/protocol/messages';
import { formatNumber } from '../../format-number';

/**
 * Why unnormalised regression is hard for plain gradient descent, in the data's own numbers.
 * MSE's Hessian is 2·[[E x², E x], [E x, 1]]: its condition number says how much more the loss
 * bends along one direction than the other, and so how narrow the valley is.
 */
export function ValleyNote({ stats, xName, normalized }: { stats: RegressionStats; xName: string; normalized: boolean }) {
  const a = stats.sxx;
  const b = stats.sx;
  const mean = (a + 1) / 2;
  const root = Math.sqrt(((a - 1) / 2) ** 2 + b * b);
  const condition = (mean + root) / Math.max(mean - root, 1e-300);
  if (normalized) {
    return (
      <p className="note" data-testid="valley-note">
        <b>Normalised:</b> the optimizers step on x and y scaled to mean 0, spread 1, where the bowl is round and one
        learning rate suits both parameters. The loss map shows that round bowl; the lines and the readouts stay in the data's units.
      </p>
    );
  }
  return (
    <p className="note" data-testid="valley-note">
      <b>Why slope dominates:</b> {xName} averages {formatNumber(stats.sx)}, so nudging the slope by 1 moves every
      prediction by about {formatNumber(Math.abs(stats.sx))}, while nudging the intercept by 1 moves it by 1. The bowl is
      about {roughly(condition)} times steeper one way than the other: a long, narrow valley. One
      learning rate cannot suit both directions, so plain descent must creep; RMSprop and Adam scale each parameter's step
      separately. Tick <i>normalise</i> to round the bowl.
    </p>
  );
}

/** "2.3 million", "88": a ratio to read, not to compute with. */
function roughly(v: number): string {
  if (v >= 1e9) return `${Number((v / 1e9).toPrecision(2))} billion`;
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(2))} million`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(2))} thousand`;
  return formatNumber(Number(v.toPrecision(2)));
}
