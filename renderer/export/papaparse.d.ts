/**
 * The part of papaparse the page uses, which tsconfig.web.json maps 'papaparse' to: the
 * package's own types (@types/papaparse) start with `/// <reference types="node" />` for its
 * stream API, which would let Node's globals (process, Buffer) type-check in the renderer.
 */
export interface UnparseConfig {
  newline?: string;
  /** Text cells starting = + - @, tab or CR get a leading ' and quotes; numbers and booleans never. */
  escapeFormulae?: boolean | RegExp;
  /** Quote every cell, or those for which the function says so. */
  quotes?: boolean | ((value: unknown, column: number) => boolean);
}

declare const Papa: {
  unparse<T>(data: T[], config?: UnparseConfig): string;
};
export default Papa;
