/** Held-out quality of a binary classifier, for the positive class. */
export interface BinaryMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  true_positives: number;
  false_positives: number;
  true_negatives: number;
  false_negatives: number;
}

/** Rounded so the written metrics do not change with the last bits of a float32 sum. */
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export function binaryMetrics(actual: readonly boolean[], predicted: readonly boolean[]): BinaryMetrics {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  actual.forEach((truth, i) => {
    if (predicted[i]) { if (truth) tp++; else fp++; } else if (truth) fn++; else tn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    accuracy: round4((tp + tn) / actual.length),
    precision: round4(precision),
    recall: round4(recall),
    f1: round4(f1),
    true_positives: tp,
    false_positives: fp,
    true_negatives: tn,
    false_negatives: fn,
  };
}
