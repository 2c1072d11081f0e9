/** The readouts' rate: never "0 it/s" for a slow run, "—" where nothing is measured yet. */
import { describe, expect, it } from 'vitest';
import { formatRate } from '../../../renderer/format-number';

describe('formatRate', () => {
  it('should give slow rates two significant digits, fast ones whole, and unknown ones a dash', () => {
    expect(formatRate(0.4)).toBe('0.4 it/s');
    expect(formatRate(0.0123)).toBe('0.012 it/s');
    expect(formatRate(9.96)).toBe('10 it/s');
    expect(formatRate(1234.6)).toBe('1235 it/s');
    expect(formatRate(0)).toBe('— it/s');
    expect(formatRate(Number.NaN)).toBe('— it/s');
  });
});
