/** One labelled row of a ranking model: the ids it ranked, best first, and the ids that were relevant. */
export interface RankingPair {
  readonly ranked: readonly string[];
  readonly relevant: readonly string[];
}

export interface RankingQuality {
  /** Share of rows whose top `k` holds at least one relevant id. */
  readonly hitRate: number;
  /** Mean NDCG@k with binary relevance; a row with no relevant id scores 0. */
  readonly ndcg: number;
  /** Mean recall@k: the share of a row's relevant ids found in its top `k`; a row with none scores 0. */
  readonly recall: number;
  /** Mean reciprocal rank of the first relevant id within the top `k` (0 when none is there). */
  readonly mrr: number;
}

/**
 * Hit rate@k, NDCG@k, recall@k and MRR@k of `pairs`. DCG sums 1 / log2(position + 1) over the
 * relevant ids among the first k (positions from 1); the ideal DCG puts min(|relevant|, k) relevant
 * ids first.
 */
export function rankingQuality(pairs: readonly RankingPair[], k: number): RankingQuality {
  let hits = 0;
  let ndcgSum = 0;
  let recallSum = 0;
  let reciprocalSum = 0;
  for (const { ranked, relevant } of pairs) {
    const wanted = new Set(relevant);
    const top = ranked.slice(0, k);
    let dcg = 0;
    let found = 0;
    let first = 0;
    top.forEach((id, i) => {
      if (!wanted.has(id)) return;
      dcg += 1 / Math.log2(i + 2);
      found++;
      if (first === 0) first = i + 1;
    });
    let ideal = 0;
    for (let i = 0; i < Math.min(wanted.size, k); i++) ideal += 1 / Math.log2(i + 2);
    if (dcg > 0) hits++;
    ndcgSum += ideal === 0 ? 0 : dcg / ideal;
    recallSum += wanted.size === 0 ? 0 : found / wanted.size;
    reciprocalSum += first === 0 ? 0 : 1 / first;
  }
  const n = pairs.length;
  const mean = (sum: number) => (n === 0 ? 0 : sum / n);
  return { hitRate: mean(hits), ndcg: mean(ndcgSum), recall: mean(recallSum), mrr: mean(reciprocalSum) };
}
