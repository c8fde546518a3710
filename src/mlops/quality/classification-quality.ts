/** One labelled row of a classification model: the predicted class and the true one, as comparable keys. */
export interface ClassPair {
  readonly predicted: string;
  readonly actual: string;
}

/** Precision, recall and F1 of one class, and how many rows truly are of it. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationQuality {
  readonly accuracy: number;
  /** Unweighted means over every class seen, predicted or true (scikit-learn's `average='macro'`). */
  readonly macro: { readonly precision: number; readonly recall: number; readonly f1: number };
  readonly classes: Readonly<Record<string, ClassScores>>;
}

/**
 * Accuracy and per-class and macro precision, recall and F1 of `pairs` (at least one). A ratio whose
 * denominator is 0 (a class never predicted has no precision) counts 0, as scikit-learn's default.
 */
export function classificationQuality(pairs: readonly ClassPair[]): ClassificationQuality {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const of = (key: string) => {
    let entry = counts.get(key);
    if (!entry) counts.set(key, entry = { tp: 0, fp: 0, fn: 0 });
    return entry;
  };
  let correct = 0;
  for (const { predicted, actual } of pairs) {
    if (predicted === actual) {
      correct++;
      of(actual).tp++;
    } else {
      of(predicted).fp++;
      of(actual).fn++;
    }
  }
  const classes: Record<string, ClassScores> = {};
  for (const key of [...counts.keys()].sort()) {
    const { tp, fp, fn } = counts.get(key) as { tp: number; fp: number; fn: number };
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    classes[key] = { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: tp + fn };
  }
  const scores = Object.values(classes);
  const mean = (pick: (s: ClassScores) => number) => ratio(scores.reduce((sum, s) => sum + pick(s), 0), scores.length);
  return {
    accuracy: ratio(correct, pairs.length),
    macro: { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1) },
    classes,
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
