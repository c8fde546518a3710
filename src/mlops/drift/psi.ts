/** Bins of a numeric feature: the reference's deciles. */
export const PSI_BINS = 10;
/** Stands in for an empty bin's share, so that ln(p/q) stays finite (the usual 1e-4). */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index of `current` against `reference`: Σ (c − r) · ln(c / r) over bins,
 * where r and c are the shares of each sample in a bin. Numeric features are binned at the
 * reference's quantiles (`bins` of them, fewer when values repeat); categorical ones (a class
 * index) by value. An empty bin counts as `PSI_EPSILON`. Undefined when either sample is empty.
 *
 * Usual reading: < 0.1 no shift, 0.1–0.2 moderate, > 0.2 significant.
 */
export function psi(reference: readonly number[], current: readonly number[], options: { categorical?: boolean; bins?: number } = {}): number | undefined {
  if (reference.length === 0 || current.length === 0) return undefined;
  const binOf = options.categorical ? categoryBins(reference, current) : quantileBins(reference, options.bins ?? PSI_BINS);
  const r = shares(reference, binOf.of, binOf.count);
  const c = shares(current, binOf.of, binOf.count);
  let total = 0;
  for (let i = 0; i < binOf.count; i++) {
    const p = Math.max(r[i] ?? 0, PSI_EPSILON);
    const q = Math.max(c[i] ?? 0, PSI_EPSILON);
    total += (q - p) * Math.log(q / p);
  }
  return total;
}

interface Binning {
  readonly count: number;
  of(value: number): number;
}

/**
 * Upper edges at the reference's i/bins quantiles (the value at or under which i/bins of it lie),
 * duplicates removed; the last bin is open. Reference 1..100 in 10 bins: ≤10, ≤20, … , >90. A bin
 * empty in the reference (above its maximum when values repeat) still catches what moved there.
 */
export function quantileEdges(reference: readonly number[], bins: number): number[] {
  const sorted = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = sorted[Math.max(Math.ceil((i * sorted.length) / bins) - 1, 0)] as number;
    if (edges.at(-1) !== edge) edges.push(edge);
  }
  return edges;
}

function quantileBins(reference: readonly number[], bins: number): Binning {
  const edges = quantileEdges(reference, bins);
  return {
    count: edges.length + 1,
    of: (value) => {
      // First edge at or above the value (binary search): the edges are few, the values many.
      let low = 0;
      let high = edges.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (value <= (edges[mid] as number)) high = mid;
        else low = mid + 1;
      }
      return low;
    },
  };
}

function categoryBins(reference: readonly number[], current: readonly number[]): Binning {
  const index = new Map<number, number>();
  for (const value of [...reference, ...current]) if (!index.has(value)) index.set(value, index.size);
  return { count: index.size, of: (value) => index.get(value) as number };
}

function shares(values: readonly number[], of: (value: number) => number, count: number): number[] {
  const counts = new Array<number>(count).fill(0);
  for (const value of values) counts[of(value)] = (counts[of(value)] ?? 0) + 1;
  return counts.map((n) => n / values.length);
}
