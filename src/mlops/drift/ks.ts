/**
 * The two-sample Kolmogorov–Smirnov statistic: the largest distance between the empirical
 * distribution functions of `a` and `b` (0: same distribution of values, 1: no overlap at all).
 * Undefined when either sample is empty.
 */
export function ksStatistic(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    // Step past every copy of the smaller value in both samples, so that ties move both functions at once.
    const value = Math.min(x[i] as number, y[j] as number);
    while (i < x.length && x[i] === value) i++;
    while (j < y.length && y[j] === value) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/**
 * The asymptotic p-value of a two-sample statistic `d` of samples of sizes `n` and `m`: the
 * probability of a distance at least this large when both come from one distribution (Numerical
 * Recipes' `probks`, with Stephens' small-sample correction of λ). Good from a few dozen values
 * each; conservative for ties (discrete features).
 */
export function ksPValue(d: number, n: number, m: number): number {
  const effective = (n * m) / (n + m);
  const root = Math.sqrt(effective);
  return kolmogorovQ((root + 0.12 + 0.11 / root) * d);
}

/** Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}: the Kolmogorov distribution's upper tail. */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1; // the series converges slowly there, and the answer is 1 to 1e-9
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-10 * Math.abs(sum)) break;
    sign = -sign;
  }
  return Math.min(Math.max(2 * sum, 0), 1);
}
