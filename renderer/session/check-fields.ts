/** Small checks for values read from a session file: each names the field that is wrong. */
export function finiteNumber(v: unknown, what: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${what} must be a number from ${min} to ${max}`);
  return v;
}

export function wholeNumber(v: unknown, what: string, min: number, max: number): number {
  const n = finiteNumber(v, what, min, max);
  if (!Number.isInteger(n)) throw new Error(`${what} must be a whole number`);
  return n;
}

export function lanesArray(v: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > max) throw new Error(`${what} must hold 1 to ${max} lanes`);
  return v;
}
