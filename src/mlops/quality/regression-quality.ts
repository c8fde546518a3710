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
  /** Coefficient of determination, 1 − SS_res / SS_tot; with constant actual values 1 for a perfect fit, else 0 (scikit-learn's `force_finite`). */
  readonly r2: number;
}

/** MAE, RMSE and R² of `pairs` (at least one, every value finite). */
export function regressionQuality(pairs: readonly ValuePair[]): RegressionQuality {
  let absolute = 0;
  let squared = 0;
  let sum = 0;
  for (const { predicted, actual } of pairs) {
    const error = predicted - actual;
    absolute += Math.abs(error);
    squared += error * error;
    sum += actual;
  }
  const n = pairs.length;
  if (n === 0) return { mae: 0, rmse: 0, r2: 0 };
  const mean = sum / n;
  let total = 0;
  for (const { actual } of pairs) total += (actual - mean) ** 2;
  // Constant actual values: R² is undefined; a perfect fit counts 1, anything else 0 (scikit-learn's force_finite).
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return { mae: absolute / n, rmse: Math.sqrt(squared / n), r2 };
}
