import { bigramKey, type Vocabulary } from './vocabulary.js';

/** A feature vector that stores only its non-zero entries, indices ascending. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/**
 * The features the graph computes after its Tokenizer: n-gram counts c (TfIdfVectorizer, mode TF),
 * then log(1 + c) · idf, then division by the L2 norm. Sublinear counts keep one long message that
 * repeats a word from drowning out the rest; the norm makes long and short messages comparable.
 */
export function featurize(tokens: readonly string[], vocabulary: Vocabulary): SparseVector {
  const counts = new Map<number, number>();
  const count = (term: string): void => {
    const index = vocabulary.index.get(term);
    if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
  };
  for (let i = 0; i < tokens.length; i++) {
    count(tokens[i] as string);
    if (i + 1 < tokens.length) count(bigramKey(tokens[i] as string, tokens[i + 1] as string));
  }
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = Float64Array.from(indices, (i) => Math.log1p(counts.get(i) ?? 0) * (vocabulary.idf[i] ?? 0));
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
  if (norm > 0) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / norm;
  return { indices, values };
}
