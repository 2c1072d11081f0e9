/**
 * The run card every export carries: the settings as sent to the engine, bulky arrays as their
 * length, the app's version, the backend once the engine named it, and a JSON export with the
 * card as its first field.
 */
import { describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../../main/protocol/app-info';
import type { RegressionRunConfig } from '../../../main/protocol/messages';
import { jsonWithRunCard, runCard, runCardCaption, withBackend } from '../../../renderer/export/run-card';

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

  it('should say the card in one line for the foot of a picture', () => {
    expect(runCardCaption(withBackend(runCard(config, { data: 'heights.csv' }), 'cpu'))).toBe(`Descent Lab ${APP_VERSION} · regression · heights.csv · seed 7 · ≤ 50 iterations · backend cpu`);
    const attack = { app: 'Descent Lab 0.1.0', lab: 'adversarial', modelName: 'MobileNet', problem: { model: 'm', image: { name: 'cat.jpg' } }, seed: 1, maxIterations: 10, backend: 'wasm' };
    expect(runCardCaption(attack)).toBe('Descent Lab 0.1.0 · adversarial · MobileNet, cat.jpg · seed 1 · ≤ 10 iterations · backend wasm');
    expect(runCardCaption({ app: 'A', lab: 'spread', problem: { n: 12, dim: 3, init: undefined }, seed: 2, maxIterations: 5 })).toBe('A · spread · N = 12 in 3-D · seed 2 · ≤ 5 iterations · backend unknown');
    expect(runCardCaption({ app: 'A', lab: 'surface', problem: { fn: { kind: 'preset', preset: 'beale' } }, seed: 1, maxIterations: 9, backend: 'cpu' })).toBe('A · surface · beale · seed 1 · ≤ 9 iterations · backend cpu');
    expect(runCardCaption(null)).toBeNull();
  });
});

