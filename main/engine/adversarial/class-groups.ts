/**
 * The article's two bars: every ImageNet cat class summed, and every dog class summed. They are
 * defined on the standard ImageNet order (cats 281–285: tabby, tiger cat, Persian, Siamese,
 * Egyptian cat; dogs 151–268, the 118 dog breeds) and carried to any other order — Darknet's,
 * or a user's labels.json — by class name: a label matches when it equals the standard label or
 * one of its comma-separated synonyms ("tabby, tabby cat" ↔ "tabby"). Case decides first:
 * Darknet has both "Cardigan" (the corgi) and "cardigan" (the sweater), as the standard list does.
 */
export const CAT_STANDARD_INDICES: readonly number[] = [281, 282, 283, 284, 285];
export const DOG_STANDARD_INDICES: readonly number[] = Array.from({ length: 268 - 151 + 1 }, (_, i) => 151 + i);

import type { GroupName } from '../../protocol/adversarial';

export type { GroupName } from '../../protocol/adversarial';

/** Class indices in one model's output order. Empty when its labels are not ImageNet's. */
export type ClassGroups = Record<GroupName, number[]>;

function spaced(name: string): string {
  return name.trim().replace(/[\s_]+/g, ' ');
}

/** Each label's whole text and synonyms → the indices that carry it. */
function index(labels: readonly string[], fold: (s: string) => string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  labels.forEach((label, i) => {
    for (const n of new Set([fold(label), ...label.split(',').map(fold)])) map.set(n, [...(map.get(n) ?? []), i]);
  });
  return map;
}

/**
 * Maps the standard-order groups onto `labels`. `standard` is the 1000 standard ImageNet labels
 * (models/labels/imagenet-standard.json). A standard class counts only if exactly one label
 * matches it, so a near-miss never lands in the wrong bar.
 */
export function classGroupsFor(labels: readonly string[], standard: readonly string[]): ClassGroups {
  const exact = index(labels, spaced);
  const folded = index(labels, (s) => spaced(s).toLowerCase());
  const map = (standardIndices: readonly number[]): number[] => {
    const out = new Set<number>();
    for (const s of standardIndices) {
      const label = standard[s];
      if (label === undefined) continue;
      // Whole label first (identical lists map one to one), then each synonym in order; within
      // each, the same case before any case.
      const candidates = [label, ...label.split(',')].map(spaced);
      const hit = candidates
        .flatMap((c) => [exact.get(c), folded.get(c.toLowerCase())])
        .find((hits) => hits?.length === 1);
      if (hit) out.add(hit[0]!);
    }
    return [...out].sort((a, b) => a - b);
  };
  return { cat: map(CAT_STANDARD_INDICES), dog: map(DOG_STANDARD_INDICES) };
}

/** Sum of the probabilities of a group's classes (0 for an empty group). */
export function groupProbability(probabilities: ArrayLike<number>, indices: readonly number[]): number {
  let sum = 0;
  for (const i of indices) sum += probabilities[i] ?? 0;
  return sum;
}
