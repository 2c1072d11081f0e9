import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../main/protocol/codec';

/**
 * A frame laid out as encodeMessage lays it out (u32 header length, header JSON, padding to 8,
 * payload), but with any header: how a malformed or hostile peer would write one. The payload
 * bytes count 0, 1, 2, … so a decoded array shows which bytes it was read from.
 */
function frame(header: unknown, payloadBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const base = (4 + json.length + 7) & ~7;
  const out = new Uint8Array(base + payloadBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  for (let i = 0; i < payloadBytes; i++) out[base + i] = i;
  return out;
}

const ref = (fields: Record<string, unknown>) => ({ a: { $ta: 'Uint8Array', offset: 8, length: 4, ...fields } });
const decode = (fields: Record<string, unknown>, payloadBytes = 16) => () => decodeMessage(frame(ref(fields), payloadBytes));

describe('WebSocket codec', () => {
  it('should round-trip typed arrays as bytes, not number lists', () => {
    const msg = { type: 'frame', a: new Float64Array([1.5, -2, Math.PI]), nested: { b: new Uint8Array([1, 2, 3]), c: new Float32Array([0.25]) }, s: 'x' };
    const bytes = encodeMessage(msg);
    const header = new TextDecoder().decode(bytes.subarray(4, 4 + new DataView(bytes.buffer).getUint32(0, true)));
    expect(header).not.toContain('3.14159');
    const back = decodeMessage(bytes) as typeof msg;
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a)).toEqual([1.5, -2, Math.PI]);
    expect(Array.from(back.nested.b)).toEqual([1, 2, 3]);
    expect(back.nested.c[0]).toBe(0.25);
    expect(back.s).toBe('x');
  });

  it('should decode a hand-written reference, up to the last byte of the frame', () => {
    // The malformed cases below change one field of this one, so they fail for that field alone.
    const back = decodeMessage(frame(ref({}), 16)) as { a: Uint8Array };
    expect(back.a).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.a)).toEqual([8, 9, 10, 11]);
    const last = decodeMessage(frame(ref({ length: 8 }), 16)) as { a: Uint8Array };
    expect(Array.from(last.a)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    const int32 = decodeMessage(frame(ref({ $ta: 'Int32Array', offset: 0, length: 1 }), 8)) as { a: Int32Array };
    expect(Array.from(int32.a)).toEqual([0x03020100]);
  });

  it('should reject frames whose header or arrays overrun the message', () => {
    const bytes = encodeMessage({ a: new Float64Array(4) });
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 8))).toThrow(/overruns/);
    expect(() => decodeMessage(new Uint8Array(2))).toThrow(/too short/);
    const header = frame({ a: 1 }, 0);
    new DataView(header.buffer).setUint32(0, header.length, true);
    expect(() => decodeMessage(header)).toThrow(/header overruns/);
    expect(decode({ length: 9 })).toThrow(/overruns/);
    expect(decode({ offset: 16, length: 1 })).toThrow(/overruns/);
    expect(decode({ $ta: 'Float64Array', length: 2 })).toThrow(/overruns/);
    expect(decode({ offset: 2 ** 50 })).toThrow(/overruns/);
    expect(decode({ length: 2 ** 50 })).toThrow(/overruns/);
  });

  it('should reject unknown kinds, inherited names among them', () => {
    // KINDS.constructor is Object, and `new Object(buffer)` is the buffer itself: before own
    // keys were required, "constructor" decoded to an ArrayBuffer.
    for (const kind of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'ArrayBuffer', 'DataView', 'Float16Array', 'BigInt64Array', '']) {
      expect(decode({ $ta: kind }), kind).toThrow(/unknown kind/);
    }
    for (const kind of [['Uint8Array'], null, 1, { Uint8Array: 1 }]) {
      expect(decode({ $ta: kind }), JSON.stringify(kind)).toThrow(/unknown kind/);
    }
  });

  it('should reject negative, fractional, huge, misaligned or non-number offsets', () => {
    // -8 would read the header's own bytes; 4 is inside the payload but off the 8-byte grid.
    for (const offset of [-8, -1, 8.5, 4, 12, 2 ** 53, 1e300, '8', null, [8]]) {
      expect(decode({ offset }), JSON.stringify(offset)).toThrow(/offset/);
    }
  });

  it('should reject negative, fractional, huge or non-number lengths', () => {
    for (const length of [-1, 1.5, 2 ** 53, 1e300, '4', null, [4]]) {
      expect(decode({ length }), JSON.stringify(length)).toThrow(/length/);
    }
  });

  it('should reject references with missing or extra keys', () => {
    expect(() => decodeMessage(frame({ a: { $ta: 'Uint8Array', offset: 8 } }, 16))).toThrow(/keys/);
    expect(() => decodeMessage(frame({ a: { $ta: 'Uint8Array', length: 4 } }, 16))).toThrow(/keys/);
    expect(decode({ extra: 1 })).toThrow(/keys/);
  });
});
