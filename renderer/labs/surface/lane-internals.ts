/**
 * What an optimizer carries from step to step, drawn at each lane's point: momentum and
 * Nesterov as the velocity arrow, the adaptive methods (Adagrad, Adadelta, RMSprop, Adam,
 * Adamax) as their per-coordinate step, a box whose sides are the step in x and in y. Both are
 * read from the lane's last step Δ = p_k − p_(k−1): for heavy-ball momentum that is the velocity
 * itself (p += v), for the adaptive methods exactly the per-coordinate step lr·m̂/(√v̂ + ε) they
 * took; Nesterov's Δ adds the look-ahead to its velocity.
 */
import type { OptimizerName } from '../../../main/protocol/optimizers';
import type { ThinnedHistory } from '../../run/thinned-history';
import type { SurfaceSeries } from './surface-store';

export type InternalsKind = 'velocity' | 'step-box' | null;

export function internalsKind(optimizer: OptimizerName | undefined): InternalsKind {
  if (optimizer === 'momentum' || optimizer === 'nesterov') return 'velocity';
  if (optimizer === 'adagrad' || optimizer === 'adadelta' || optimizer === 'rmsprop' || optimizer === 'adam' || optimizer === 'adamax') return 'step-box';
  return null;
}

/** The lane's last step into iteration `shown` (zero at the start or where it is unknown). */
export function lastStep(h: ThinnedHistory<SurfaceSeries>, shown: number): [number, number] {
  const at = Math.min(shown, h.lastIteration);
  if (at < 1) return [0, 0];
  const dx = h.at('x', at) - h.at('x', at - 1);
  const dy = h.at('y', at) - h.at('y', at - 1);
  return Number.isFinite(dx) && Number.isFinite(dy) ? [dx, dy] : [0, 0];
}

/**
 * Steps are learning-rate sized, far below a pixel on most windows: they are drawn magnified by
 * a power of ten that makes the largest about `targetPx` long, and the view says by how much.
 */
export function magnification(largestPx: number, targetPx = 40): number {
  if (!(largestPx > 0) || !Number.isFinite(largestPx)) return 1;
  return 10 ** Math.round(Math.log10(targetPx / largestPx));
}
