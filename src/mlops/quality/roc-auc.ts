/** One scored row for one class: the model's score for the class, and whether the row truly is of it. */
export interface ScoredRow {
  readonly score: number;
  readonly positive: boolean;
}

/**
 * Area under the ROC curve of `rows` (the probability that a random positive row scores above a
 * random negative one, ties counting one half): the Mann–Whitney U statistic over n⁺·n⁻, from the
 * ranks of the scores, tied scores sharing their mean rank. Undefined when the rows hold no positive
 * or no negative (the curve does not exist), as scikit-learn refuses it.
 */
export function rocAuc(rows: readonly ScoredRow[]): number | undefined {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && (sorted[end + 1] as ScoredRow).score === (sorted[start] as ScoredRow).score) end++;
    // Ranks start + 1 … end + 1 share their mean.
    const rank = (start + end + 2) / 2;
    for (let i = start; i <= end; i++) {
      if (!(sorted[i] as ScoredRow).positive) continue;
      positives++;
      rankSum += rank;
    }
    start = end + 1;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * One-vs-rest ROC AUC of each class from a score per class and row (`scores[row][class]`) and the
 * true class index of each row; a class whose AUC is undefined (no row of it, or only rows of it)
 * is left out. `macro` is the unweighted mean of the classes that have one.
 */
export function oneVsRestAuc(scores: ReadonlyArray<ArrayLike<number>>, actual: readonly number[], classes: number):
  { readonly perClass: ReadonlyMap<number, number>; readonly macro: number | undefined } {
  const perClass = new Map<number, number>();
  for (let c = 0; c < classes; c++) {
    const auc = rocAuc(scores.map((row, i) => ({ score: row[c] ?? Number.NaN, positive: actual[i] === c })));
    if (auc !== undefined) perClass.set(c, auc);
  }
  const values = [...perClass.values()];
  return { perClass, macro: values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length };
}
