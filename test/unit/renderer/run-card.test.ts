/**
 * The run card every export carries: the settings as sent to the engine, bulky arrays as their
 * length, the app's version, the backend once the engine named it, and a JSON export with the
 * card as its first field.
 */
import { describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../../main/protocol/app-info';
import type { RegressionRunConfig } from '../../../main/protocol/messages';
import { jsonWithRunCard, runCard, withBackend } from '../../../renderer/export/run-card';

const config: RegressionRunConfig = {
  lab: 'regression',
  problem: { x: Float64Array.from([1, 2, 3]), y: Float64Array.from([2, 4, 6]), normalize: false, initSlope: 6, initIntercept: -180 },
  lanes: [{ id: 'a', optimizer: 'adam', params: { learningRate: 0.1, beta1: 0.9 } }],
  maxIterations: 50,
  itersPerSecond: 0,
  seed: 7,
  paused: true,
};

describe('run card', () => {
  it('should keep every setting, summarise arrays by length and leave out how the run was started', () => {
    const card = runCard(config, { data: 'heights.csv' });
    expect(card).toEqual({
      app: `Descent Lab ${APP_VERSION}`,
      lab: 'regression',
      data: 'heights.csv',
      problem: { x: '3 values', y: '3 values', normalize: false, initSlope: 6, initIntercept: -180 },
      lanes: [{ id: 'a', optimizer: 'adam', params: { learningRate: 0.1, beta1: 0.9 } }],
      maxIterations: 50,
      itersPerSecond: 0,
      seed: 7,
    });
    expect(withBackend(card, 'wasm')['backend']).toBe('wasm');
    expect(withBackend(card, null)['backend']).toBe('unknown');
  });

  it('should put the card first in a JSON export, which still parses', () => {
    const card = { lab: 'spread', seed: 1 };
    expect(JSON.parse(jsonWithRunCard('{"lab":"spread","lanes":[]}\n', card))).toEqual({ run: card, lab: 'spread', lanes: [] });
    expect(JSON.parse(jsonWithRunCard('{}', card))).toEqual({ run: card });
    expect(jsonWithRunCard('{"a":1}', null)).toBe('{"a":1}');
  });
});
