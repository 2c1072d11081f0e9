/**
 * Okabe–Ito colours (Color Universal Design), ordered so the first lanes are the most distinct
 * on a light background; its yellow is darkened to stay legible on white. Eight, one per lane
 * allowed by LIMITS.maxLanes.
 */
export const LANE_PALETTE = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#8C7A00', // dark yellow
  '#333333', // near black
] as const;

export function nextLaneColour(used: readonly string[]): string {
  return LANE_PALETTE.find((c) => !used.includes(c)) ?? LANE_PALETTE[used.length % LANE_PALETTE.length]!;
}
