/**
 * The universal card's ε field: levels by commas or spaces, sorted and without repeats, each
 * from 1 to 255, at most UNIVERSAL_LIMITS.maxEpsilons; a bad entry says what is wrong. What it
 * accepts the engine's schema accepts too.
 */
import { describe, expect, it } from 'vitest';
import { UNIVERSAL_LIMITS } from '../../../main/protocol/adversarial';
import { parseRequest } from '../../../main/protocol/messages';
import { parseEpsilons } from '../../../renderer/labs/adversarial/adversarial-settings';

const image = { name: 'a.png', width: 2, height: 2, rgb: new Uint8Array(12) };

describe('universal ε field', () => {
  it('reads levels separated by commas or spaces, sorted, repeats dropped; the engine takes them', () => {
    expect(parseEpsilons('2, 5, 10')).toEqual([2, 5, 10]);
    expect(parseEpsilons(' 10 2;5  2 ')).toEqual([2, 5, 10]);
    expect(parseEpsilons('1 255 2.5')).toEqual([1, 2.5, 255]);
    const epsilons = parseEpsilons(UNIVERSAL_LIMITS.defaultEpsilons.join(', ')) as number[];
    expect(parseRequest({ type: 'universal', requestId: 'u', model: 'mobilenet_v1_0.75_224', images: [image], epsilons, iterations: UNIVERSAL_LIMITS.defaultIterations }).ok).toBe(true);
  });

  it('says what is wrong with a bad entry', () => {
    expect(parseEpsilons('')).toBe('Give at least one ε, in levels (1/255), like 2, 5, 10.');
    expect(parseEpsilons('0, 4')).toBe('“0” is not an ε from 1 to 255 levels.');
    expect(parseEpsilons('4, 256')).toBe('“256” is not an ε from 1 to 255 levels.');
    expect(parseEpsilons('4, x')).toBe('“x” is not an ε from 1 to 255 levels.');
    expect(parseEpsilons('-3')).toBe('“-3” is not an ε from 1 to 255 levels.');
    expect(parseEpsilons('1 2 3 4 5 6 7 8 9')).toBe('At most 8 values of ε (each is a perturbation of its own).');
  });

  it('the engine refuses what the field would: ε out of range, too many values, no images', () => {
    const req = (epsilons: number[], images = [image]) => parseRequest({ type: 'universal', requestId: 'u', model: 'm', images, epsilons, iterations: 2 });
    expect(req([0])).toMatchObject({ ok: false, error: { message: 'epsilons.0: each ε must be in (0, 255] levels' } });
    expect(req([256])).toMatchObject({ ok: false });
    expect(req([1, 2, 3, 4, 5, 6, 7, 8, 9])).toMatchObject({ ok: false, error: { message: 'epsilons: at most 8 values of ε' } });
    expect(req([4], [])).toMatchObject({ ok: false });
  });
});
