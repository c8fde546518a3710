import type { ClassPair } from './classification-quality.js';

/** Counts of rows by true class (rows of `matrix`) and predicted class (its columns), in the order of `labels`. */
export interface ConfusionMatrix {
  readonly labels: readonly string[];
  readonly matrix: ReadonlyArray<readonly number[]>;
}

/**
 * The confusion matrix of `pairs`. Its labels: `known` first (a classifier's class names, in the
 * order of its output), then any other class seen, true or predicted, sorted.
 */
export function confusionMatrix(pairs: readonly ClassPair[], known: readonly string[] = []): ConfusionMatrix {
  const seen = new Set<string>();
  for (const { predicted, actual } of pairs) seen.add(predicted).add(actual);
  const labels = [...new Set(known), ...[...seen].filter((label) => !known.includes(label)).sort()];
  const index = new Map(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const { predicted, actual } of pairs) {
    const row = matrix[index.get(actual) as number] as number[];
    const column = index.get(predicted) as number;
    row[column] = (row[column] ?? 0) + 1;
  }
  return { labels, matrix };
}
