import { encodeModel } from './encode-model.js';
import type { LogisticRegression } from './logistic-regression.js';
import { int, ints, node, str, strs } from './node-proto.js';
import { floatTensor } from './tensor-proto.js';
import { TOKEN_PATTERN } from './tokenize.js';
import type { Vocabulary } from './vocabulary.js';
import { ElemType, tensorInfo } from './value-info.js';

/** Keeps an empty message (no known term, norm 0) from dividing by zero: its features stay 0. */
const NORM_FLOOR = 1e-12;

/**
 * The binary model as two softmax logits, -z/2 and z/2: softmax of that pair is
 * (1 - sigmoid(z), sigmoid(z)), so the graph's probabilities are exactly the trained model's.
 */
function softmaxLayer(model: LogisticRegression): { weights: Float32Array; bias: Float32Array } {
  const weights = new Float32Array(model.weights.length * 2);
  model.weights.forEach((w, i) => {
    weights[2 * i] = -w / 2;
    weights[2 * i + 1] = w / 2;
  });
  return { weights, bias: Float32Array.of(-model.bias / 2, model.bias / 2) };
}

/** Text in, class probabilities out: the whole feature pipeline of `featurize` lives in the graph. */
export function spamClassifierGraph(vocabulary: Vocabulary, model: LogisticRegression): Uint8Array {
  const unigramCount = vocabulary.unigrams.length;
  const features = vocabulary.idf.length;
  const layer = softmaxLayer(model);
  return encodeModel({
    name: 'spam-classifier',
    docString: 'Logistic regression over sublinear, L2-normalised tf-idf of unigrams and bigrams; text in, [ham, spam] probabilities out.',
    opsets: { '': 13, 'com.microsoft': 1 },
    inputs: [tensorInfo('text', ElemType.STRING, ['N'])],
    outputs: [tensorInfo('probabilities', ElemType.FLOAT, ['N', 2]), tensorInfo('label', ElemType.INT64, ['N'])],
    initializers: [
      floatTensor('one', [], [1]),
      floatTensor('idf', [features], vocabulary.idf),
      floatTensor('norm_floor', [], [NORM_FLOOR]),
      floatTensor('weights', [features, 2], layer.weights),
      floatTensor('bias', [2], layer.bias),
    ],
    nodes: [
      node('StringNormalizer', ['text'], ['lowered'], { case_change_action: str('LOWER'), locale: str('C') }),
      node('Tokenizer', ['lowered'], ['tokens'], {
        mark: int(0), mincharnum: int(1), pad_value: str('#'), tokenexp: str(TOKEN_PATTERN),
      }, 'com.microsoft'),
      node('TfIdfVectorizer', ['tokens'], ['counts'], {
        mode: str('TF'), min_gram_length: int(1), max_gram_length: int(2), max_skip_count: int(0),
        ngram_counts: ints([0, unigramCount]),
        ngram_indexes: ints(Array.from({ length: features }, (_, i) => i)),
        pool_strings: strs([...vocabulary.unigrams, ...vocabulary.bigrams.flat()]),
      }),
      node('Add', ['counts', 'one'], ['counts_plus_one']),
      node('Log', ['counts_plus_one'], ['sublinear']),
      node('Mul', ['sublinear', 'idf'], ['tfidf']),
      node('ReduceL2', ['tfidf'], ['norm'], { axes: ints([1]), keepdims: int(1) }),
      node('Max', ['norm', 'norm_floor'], ['safe_norm']),
      node('Div', ['tfidf', 'safe_norm'], ['features']),
      node('MatMul', ['features', 'weights'], ['scores']),
      node('Add', ['scores', 'bias'], ['logits']),
      node('Softmax', ['logits'], ['probabilities'], { axis: int(-1) }),
      node('ArgMax', ['probabilities'], ['label'], { axis: int(1), keepdims: int(0) }),
    ],
  });
}
