/** Plain decimals only ("2e-5", "-.5", "10"): no hex, no "Infinity", no blanks. Shared by the CLI and the UI's number fields. */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** The number a user typed, or NaN when it is not a plain decimal. */
export function parseDecimal(text: string): number {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}
