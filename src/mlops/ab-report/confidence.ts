/** The normal quantile of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** A two-sided confidence interval, both ends included. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Wilson score interval of a proportion: `successes` of `n` trials. Unlike the normal
 * approximation it stays within [0, 1] and is honest for small n and for rates near 0 or 1 (an
 * error rate of 0 in 20 requests is not "exactly 0"). Undefined for n = 0.
 * https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval#Wilson_score_interval
 */
export function wilson(successes: number, n: number, z = Z95): Interval | undefined {
  if (n <= 0) return undefined;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Normal-approximation interval of a mean absolute error from the MAE and RMSE of the same `n`
 * rows: the absolute errors' variance is RMSE² − MAE² (times n/(n−1) for the sample's). Undefined
 * below two rows.
 */
export function maeInterval(mae: number, rmse: number, n: number, z = Z95): Interval | undefined {
  if (n < 2) return undefined;
  const variance = Math.max(0, rmse * rmse - mae * mae) * (n / (n - 1));
  const half = z * Math.sqrt(variance / n);
  return { low: Math.max(0, mae - half), high: mae + half };
}
