/** One labelled row of a regression model. */
export interface ValuePair {
  readonly predicted: number;
  readonly actual: number;
}

export interface RegressionQuality {
  /** Mean absolute error. */
  readonly mae: number;
  /** Root mean squared error. */
  readonly rmse: number;
}

/** MAE and RMSE of `pairs` (at least one, every value finite). */
export function regressionQuality(pairs: readonly ValuePair[]): RegressionQuality {
  let absolute = 0;
  let squared = 0;
  for (const { predicted, actual } of pairs) {
    const error = predicted - actual;
    absolute += Math.abs(error);
    squared += error * error;
  }
  const n = pairs.length;
  return { mae: n === 0 ? 0 : absolute / n, rmse: n === 0 ? 0 : Math.sqrt(squared / n) };
}
