/**
 * Binary framing for the WebSocket transport, where structured clone is not available:
 * JSON for the shape, typed arrays copied as raw bytes after it (never as number lists).
 * Layout: u32 header length | header JSON (UTF-8) | padding to 8 | array bytes, each 8-aligned.
 */
type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array | Uint32Array;
const KINDS = { Float64Array, Float32Array, Int32Array, Uint8Array, Uint32Array } as const;
type Kind = keyof typeof KINDS;

interface Ref {
  $ta: Kind;
  offset: number;
  length: number;
}
const REF_KEYS: readonly (keyof Ref)[] = ['$ta', 'offset', 'length'];

const align8 = (n: number): number => (n + 7) & ~7;

function kindOf(v: unknown): Kind | undefined {
  for (const k of Object.keys(KINDS) as Kind[]) if (v instanceof KINDS[k]) return k;
  return undefined;
}

export function encodeMessage(msg: unknown): Uint8Array {
  const arrays: TypedArray[] = [];
  let offset = 0;
  const header = JSON.stringify(msg, (_key, value: unknown) => {
    const kind = kindOf(value);
    if (!kind) return value;
    const arr = value as TypedArray;
    const ref: Ref = { $ta: kind, offset, length: arr.length };
    arrays.push(arr);
    offset = align8(offset + arr.byteLength);
    return ref;
  });
  const headerBytes = new TextEncoder().encode(header);
  const base = align8(4 + headerBytes.length);
  const out = new Uint8Array(base + offset);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  let at = base;
  for (const arr of arrays) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
    at = align8(at + arr.byteLength);
  }
  return out;
}

export function decodeMessage(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 4) throw new Error('message too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > bytes.byteLength) throw new Error('message header overruns its frame');
  const header = new TextDecoder().decode(bytes.subarray(4, 4 + headerLength));
  const base = align8(4 + headerLength);
  return JSON.parse(header, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && Object.hasOwn(value, '$ta') ? readArray(value, bytes, base) : value,
  );
}

/**
 * The typed array a `{ $ta, offset, length }` reference names, copied out of the frame. Only
 * own keys count: `KINDS["constructor"]` is `Object`, which would turn the bytes into a bare
 * ArrayBuffer. Offsets are 8-aligned and relative to the end of the header, as encodeMessage
 * writes them; anything else is a malformed or hostile frame.
 */
function readArray(value: object, bytes: Uint8Array, base: number): TypedArray {
  const keys = Object.keys(value);
  if (keys.length !== 3 || !REF_KEYS.every((k) => Object.hasOwn(value, k))) {
    throw new Error(`bad typed-array reference: keys must be exactly ${REF_KEYS.join(', ')}`);
  }
  const { $ta: kind, offset, length } = value as Record<keyof Ref, unknown>;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
    throw new Error(`bad typed-array reference: unknown kind ${JSON.stringify(kind)}`);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset % 8 !== 0) {
    throw new Error(`bad typed-array reference: offset ${JSON.stringify(offset)} is not a non-negative multiple of 8`);
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw new Error(`bad typed-array reference: length ${JSON.stringify(length)} is not a non-negative integer`);
  }
  const Ctor = KINDS[kind as Kind];
  const byteLength = length * Ctor.BYTES_PER_ELEMENT;
  const start = base + offset;
  if (start + byteLength > bytes.byteLength) throw new Error('typed array overruns its frame');
  // Copy so the result is aligned and owns its memory.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(start, start + byteLength));
  return new Ctor(copy.buffer);
}
