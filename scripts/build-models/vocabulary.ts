/** The n-grams the classifier counts; a term's index is its feature's position. */
export interface Vocabulary {
  unigrams: string[];
  /** Pairs of adjacent tokens. */
  bigrams: Array<[string, string]>;
  /** Smoothed inverse document frequency per feature: unigrams first, then bigrams. */
  idf: Float64Array;
  /** Feature index by term; a bigram's key is its two tokens joined by a space. */
  index: ReadonlyMap<string, number>;
}

export interface VocabularyOptions {
  unigrams: number;
  bigrams: number;
  /** A term must appear in at least this many training documents. */
  minDocumentFrequency: number;
}

export const bigramKey = (first: string, second: string): string => `${first} ${second}`;

function documentFrequencies(documents: readonly string[][]): { unigram: Map<string, number>; bigram: Map<string, number> } {
  const unigram = new Map<string, number>();
  const bigram = new Map<string, number>();
  for (const tokens of documents) {
    const seenUnigrams = new Set(tokens);
    const seenBigrams = new Set<string>();
    for (let i = 0; i + 1 < tokens.length; i++) seenBigrams.add(bigramKey(tokens[i] as string, tokens[i + 1] as string));
    for (const term of seenUnigrams) unigram.set(term, (unigram.get(term) ?? 0) + 1);
    for (const term of seenBigrams) bigram.set(term, (bigram.get(term) ?? 0) + 1);
  }
  return { unigram, bigram };
}

/** The `limit` most frequent terms; ties broken by the term itself so the choice never depends on Map order. */
function mostFrequent(frequencies: Map<string, number>, limit: number, minimum: number): string[] {
  return [...frequencies]
    .filter(([, df]) => df >= minimum)
    .sort(([a, dfA], [b, dfB]) => dfB - dfA || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([term]) => term);
}

/** Picks the vocabulary from the training documents only, and their idf (sklearn's smoothed form). */
export function buildVocabulary(documents: readonly string[][], options: VocabularyOptions): Vocabulary {
  const df = documentFrequencies(documents);
  const unigrams = mostFrequent(df.unigram, options.unigrams, options.minDocumentFrequency);
  const bigramTerms = mostFrequent(df.bigram, options.bigrams, options.minDocumentFrequency);
  const terms = [...unigrams, ...bigramTerms];
  const frequencies = [...unigrams.map((t) => df.unigram.get(t) ?? 0), ...bigramTerms.map((t) => df.bigram.get(t) ?? 0)];
  const n = documents.length;
  return {
    unigrams,
    bigrams: bigramTerms.map((term) => term.split(' ') as [string, string]),
    idf: Float64Array.from(frequencies, (f) => Math.log((1 + n) / (1 + f)) + 1),
    index: new Map(terms.map((term, i) => [term, i])),
  };
}
