import { shuffle } from '../../src/random/mulberry32.js';

export interface Split {
  /** Indices into the labelled items, ascending. */
  train: number[];
  heldOut: number[];
}

/**
 * Shuffles each class on its own and holds out the same fraction of each, so the held-out set has the
 * corpus's class balance.
 */
export function stratifiedSplit(labels: readonly boolean[], heldOutFraction: number, random: () => number): Split {
  const split: Split = { train: [], heldOut: [] };
  for (const label of [false, true]) {
    const members = shuffle(labels.flatMap((l, i) => (l === label ? [i] : [])), random);
    const heldOutCount = Math.round(members.length * heldOutFraction);
    split.heldOut.push(...members.slice(0, heldOutCount));
    split.train.push(...members.slice(heldOutCount));
  }
  split.train.sort((a, b) => a - b);
  split.heldOut.sort((a, b) => a - b);
  return split;
}
