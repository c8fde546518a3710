import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tensor } from '../../protocol/tensor.js';
import { confusionMatrix } from '../quality/confusion-matrix.js';
import { oneVsRestAuc, rocAuc } from '../quality/roc-auc.js';
import { decodeRow } from './dataset-row.js';
import { evaluationMetrics, percentile } from './evaluation-metrics.js';
import { metricNames } from './metric-names.js';
import { readDataset, sampleRows } from './read-dataset.js';

const close = (actual: number | undefined, expected: number, what = '') =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);

describe('ROC AUC', () => {
  it('is the share of (positive, negative) pairs ranked right, ties counting one half', () => {
    // Positives 0.9, 0.4; negatives 0.8, 0.4, 0.1. Pairs: (0.9 > all three) 3; (0.4 vs 0.8) 0, (0.4 vs 0.4) 0.5, (0.4 vs 0.1) 1: 4.5 / 6.
    const rows = [[0.9, true], [0.8, false], [0.4, true], [0.4, false], [0.1, false]].map(([score, positive]) => ({ score: score as number, positive: positive as boolean }));
    close(rocAuc(rows), 0.75, 'auc');
    close(rocAuc(rows.map((r) => ({ ...r, score: -r.score }))), 0.25, 'reversed scores');
  });

  it('is undefined without positives or without negatives', () => {
    assert.equal(rocAuc([{ score: 1, positive: true }]), undefined);
    assert.equal(rocAuc([{ score: 1, positive: false }, { score: 0, positive: false }]), undefined);
  });

  it('averages one-vs-rest over the classes that have both kinds of rows', () => {
    const scores = [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]];
    const { perClass, macro } = oneVsRestAuc(scores, [0, 1, 1], 2);
    close(perClass.get(0), 1, 'class 0');
    close(perClass.get(1), 1, 'class 1');
    close(macro, 1, 'macro');
  });
});

describe('confusion matrix', () => {
  it('counts rows by true class and predicted class, known labels first', () => {
    const m = confusionMatrix([{ predicted: 'spam', actual: 'spam' }, { predicted: 'ham', actual: 'spam' }, { predicted: 'ham', actual: 'ham' }, { predicted: 'x', actual: 'ham' }], ['ham', 'spam']);
    assert.deepEqual(m, { labels: ['ham', 'spam', 'x'], matrix: [[1, 0, 1], [1, 1, 0], [0, 0, 0]] });
  });
});

const probabilities = (p: number[]): Tensor[] => [{ name: 'probabilities', datatype: 'FP32', shape: [1, p.length], data: Float32Array.from(p) }];

describe('evaluation metrics', () => {
  const task = { type: 'classification' as const, output: 'probabilities' };
  const labels = { probabilities: ['ham', 'spam'] };

  it('scores a classifier: accuracy, per-class and macro, ROC AUC from the scores, the confusion matrix', () => {
    const rows = [
      { outputs: probabilities([0.9, 0.1]), expected: 'ham' },
      { outputs: probabilities([0.2, 0.8]), expected: 'spam' },
      { outputs: probabilities([0.6, 0.4]), expected: 'spam' }, // wrong, but scored above the ham row of 0.1
      { outputs: probabilities([0.7, 0.3]), expected: 1 }, // the index of spam: wrong
    ];
    const { metrics, classes, confusion, unusable } = evaluationMetrics(task, labels, rows);
    assert.deepEqual(unusable, []);
    close(metrics.accuracy, 0.5, 'accuracy');
    close(metrics['recall:spam'], 1 / 3, 'recall spam');
    close(metrics['precision:ham'], 1 / 3, 'precision ham');
    // spam scores: spam rows 0.8, 0.4, 0.3 against the ham row's 0.1: every pair right.
    close(metrics['roc_auc:spam'], 1, 'auc spam');
    close(metrics.roc_auc, 1, 'auc macro');
    assert.equal(classes?.spam?.support, 3);
    assert.deepEqual(confusion, { labels: ['ham', 'spam'], matrix: [[1, 0], [2, 1]] });
    for (const name of Object.keys(metrics)) assert.ok(metricNames(task, labels.probabilities).includes(name), `${name} is a gate metric`);
  });

  it('leaves out answers without the task output', () => {
    const { metrics, unusable } = evaluationMetrics(task, labels, [{ outputs: [], expected: 'ham' }, { outputs: probabilities([0.9, 0.1]), expected: 'ham' }]);
    assert.deepEqual(unusable, [0]);
    close(metrics.accuracy, 1);
  });

  it('scores regression (MAE, RMSE, R²) and ranking (NDCG, recall, hit rate, MRR at K)', () => {
    const value = (v: number): Tensor[] => [{ name: 'y', datatype: 'FP32', shape: [1, 1], data: Float32Array.of(v) }];
    const regression = evaluationMetrics({ type: 'regression' }, {}, [{ outputs: value(3), expected: 1 }, { outputs: value(1), expected: 2 }, { outputs: value(2), expected: 2 }]);
    close(regression.metrics.mae, 1, 'mae');
    close(regression.metrics.r2, -6.5, 'r2');
    const ids = (list: number[]): Tensor[] => [{ name: 'ids', datatype: 'INT64', shape: [1, list.length], data: BigInt64Array.from(list.map(BigInt)) }];
    const ranking = evaluationMetrics({ type: 'ranking', k: 2 }, {}, [{ outputs: ids([5, 7, 9]), expected: [7] }, { outputs: ids([1, 2, 3]), expected: ['3'] }]);
    assert.deepEqual(Object.keys(ranking.metrics).sort(), ['hit_rate@2', 'mrr', 'ndcg@2', 'recall@2']);
    close(ranking.metrics.mrr, 0.25, 'mrr');
    close(ranking.metrics['recall@2'], 0.5, 'recall');
  });

  it('takes nearest-rank percentiles', () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile([5, 1, 4, 2, 3], 99), 5);
    assert.equal(percentile([7], 99), 7);
  });
});

describe('dataset rows', () => {
  const spam = { inputs: [{ name: 'text', datatype: 'BYTES' as const, shape: [-1] }] };
  const task = { type: 'classification' as const };

  it('decodes the short form with the manifest\'s datatype and a batch of one, and the tensor forms', () => {
    const short = decodeRow({ inputs: { text: 'win cash now' }, expected: 'spam' }, task, spam, 1000);
    assert.deepEqual(short.inputs.map((i) => [i.name, i.datatype, i.shape, i.data]), [['text', 'BYTES', [1], ['win cash now']]]);
    const tensor = decodeRow({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['hi'] }], expected: 0 }, task, spam, 1000);
    assert.deepEqual(tensor.inputs[0]?.shape, [1]);
  });

  it('refuses a dataset naming the line and the problem', async () => {
    const limits = { maxRows: 10, maxElements: 1000 };
    const refuse = async (text: string, pattern: RegExp) => assert.rejects(readDataset(text, task, spam, limits), (error: Error & { code?: string; status?: number }) => {
      assert.equal(error.status, 400);
      assert.match(error.message, pattern);
      return true;
    });
    const good = '{"inputs": {"text": "a"}, "expected": "ham"}';
    await refuse(`${good}\n{"inputs": {"txt": "a"}, "expected": "ham"}`, /line 2: input 'txt' is not an input of the model; its inputs are: text/);
    await refuse(`${good}\n\n{"inputs": [{"name": "text", "datatype": "FP32", "shape": [1], "data": [1]}], "expected": "ham"}`, /line 3: input 'text': datatype FP32, the model's is BYTES/);
    await refuse(`{"inputs": [{"name": "text", "datatype": "BYTES", "shape": [2], "data": ["a", "b"]}], "expected": "ham"}`, /line 1: input 'text': shape \[2\] does not fit/);
    await refuse(`${good}\nnot json`, /line 2: not JSON/);
    await refuse(`{"inputs": {"text": "a"}}`, /line 1: "expected" is missing/);
    await refuse('\n\n', /no line/);
    await assert.rejects(readDataset(Array(11).fill(good).join('\n'), task, spam, limits), { status: 413 });
  });
});

describe('seeded sampling', () => {
  it('draws the same rows for the same seed, in dataset order, and every row past the size', () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const a = sampleRows(rows, 10, 7);
    assert.deepEqual(a, sampleRows(rows, 10, 7));
    assert.notDeepEqual(a, sampleRows(rows, 10, 8));
    assert.deepEqual(a, [...a].sort((x, y) => x - y));
    assert.equal(new Set(a).size, 10);
    assert.deepEqual(sampleRows(rows, 500, 1), rows);
  });
});
