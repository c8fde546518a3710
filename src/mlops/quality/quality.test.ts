import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationQuality } from './classification-quality.js';
import { classKey, labelRows } from './label-rows.js';
import { qualityOf } from './quality-of.js';
import { rankingQuality } from './ranking-quality.js';
import { regressionQuality } from './regression-quality.js';
import { windowMs } from './windows.js';

const close = (actual: number | undefined, expected: number, what = '') =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);

describe('classification quality', () => {
  // By hand: a: tp 1, fp 1, fn 1; b: tp 2, fp 0, fn 1; c: tp 0, fp 1, fn 0.
  const pairs = [['a', 'a'], ['a', 'b'], ['b', 'b'], ['b', 'b'], ['c', 'a']].map(([predicted, actual]) => ({ predicted: predicted as string, actual: actual as string }));

  it('computes accuracy, per-class and macro precision, recall and F1', () => {
    const q = classificationQuality(pairs);
    close(q.accuracy, 3 / 5, 'accuracy');
    assert.deepEqual(q.classes.a, { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    close(q.classes.b?.precision, 1, 'b precision');
    close(q.classes.b?.recall, 2 / 3, 'b recall');
    close(q.classes.b?.f1, 0.8, 'b f1');
    assert.deepEqual(q.classes.c, { precision: 0, recall: 0, f1: 0, support: 0 });
    close(q.macro.precision, 0.5, 'macro precision');
    close(q.macro.recall, (0.5 + 2 / 3) / 3, 'macro recall');
    close(q.macro.f1, 1.3 / 3, 'macro f1');
  });

  it('is perfect on perfect predictions', () => {
    const q = classificationQuality([{ predicted: 'x', actual: 'x' }, { predicted: 'y', actual: 'y' }]);
    assert.deepEqual([q.accuracy, q.macro.precision, q.macro.recall, q.macro.f1], [1, 1, 1, 1]);
  });
});

describe('regression quality', () => {
  it('computes MAE and RMSE', () => {
    // Errors 2, -1, 0: MAE 3/3, RMSE sqrt(5/3).
    const q = regressionQuality([{ predicted: 3, actual: 1 }, { predicted: 1, actual: 2 }, { predicted: 2, actual: 2 }]);
    close(q.mae, 1, 'mae');
    close(q.rmse, Math.sqrt(5 / 3), 'rmse');
    // Actual 1, 2, 2: mean 5/3, SS_tot = 4/9 + 1/9 + 1/9 = 2/3; SS_res = 5: R² = 1 - 5 / (2/3).
    close(q.r2, 1 - 7.5, 'r2');
  });

  it('gives R² 1 to a perfect fit and 0 to a miss of constant values', () => {
    close(regressionQuality([{ predicted: 1, actual: 1 }, { predicted: 3, actual: 3 }]).r2, 1, 'perfect');
    close(regressionQuality([{ predicted: 1, actual: 2 }, { predicted: 3, actual: 2 }]).r2, 0, 'constant actual');
  });
});

describe('ranking quality', () => {
  it('computes hit rate@k and NDCG@k with binary relevance', () => {
    const q = rankingQuality([
      { ranked: ['a', 'b', 'c', 'd'], relevant: ['b'] }, // hit; DCG 1/log2(3), ideal 1
      { ranked: ['x', 'y', 'z'], relevant: ['x', 'z'] }, // hit; DCG 1 + 1/2, ideal 1 + 1/log2(3)
      { ranked: ['p', 'q', 'r', 's'], relevant: ['s'] }, // s is 4th, beyond k = 3: miss, 0
    ], 3);
    close(q.hitRate, 2 / 3, 'hit rate');
    close(q.ndcg, (1 / Math.log2(3) + 1.5 / (1 + 1 / Math.log2(3))) / 3, 'ndcg');
    // Recall: 1/1, 2/2, 0/1; reciprocal rank of the first relevant id: 1/2, 1/1, 0.
    close(q.recall, 2 / 3, 'recall');
    close(q.mrr, 0.5, 'mrr');
  });

  it('scores a row without relevant ids 0', () => {
    assert.deepEqual(rankingQuality([{ ranked: ['a'], relevant: [] }], 5), { hitRate: 0, ndcg: 0, recall: 0, mrr: 0 });
  });
});

describe('labels against predictions', () => {
  it('splits labels per row: arrays for several rows, arrays of arrays for ranking', () => {
    assert.deepEqual(labelRows('classification', 'spam'), ['spam']);
    assert.deepEqual(labelRows('classification', ['spam', 'ham']), ['spam', 'ham']);
    assert.deepEqual(labelRows('ranking', ['a', 'b']), [['a', 'b']]);
    assert.deepEqual(labelRows('ranking', [['a'], ['b']]), [['a'], ['b']]);
    assert.deepEqual(labelRows('ranking', []), [[]]);
  });

  it('meets class indices and class names', () => {
    assert.equal(classKey(1, ['ham', 'spam']), 'spam');
    assert.equal(classKey('spam', ['ham', 'spam']), 'spam');
    assert.equal(classKey(7, ['ham', 'spam']), '7');
    assert.equal(classKey(2, undefined), '2');
  });

  it('flattens quality into metric names, counting rows and skipping rows that do not fit', () => {
    const classified = qualityOf('classification', [
      { prediction: [{ class: 'spam', score: 0.9 }], label: 1 },
      { prediction: [{ class: 'ham', score: 0.8 }, { class: 'spam', score: 0.7 }], label: ['ham', 'ham'] },
      { prediction: [{ class: 'ham', score: 0.8 }], label: ['ham', 'spam'] }, // rows disagree: left out
    ], { classNames: ['ham', 'spam'] });
    assert.equal(classified.samples, 3);
    close(classified.metrics.accuracy, 2 / 3, 'accuracy');
    close(classified.metrics['precision:spam'], 0.5, 'precision:spam');
    close(classified.metrics['recall:ham'], 0.5, 'recall:ham');

    const regressed = qualityOf('regression', [{ prediction: [{ value: 2 }], label: 4 }, { prediction: [{ value: Number.NaN }], label: 1 }]);
    assert.deepEqual(regressed, { samples: 1, metrics: { mae: 2, rmse: 2 } });

    const ranked = qualityOf('ranking', [{ prediction: [{ ranked: [5, 7] }], label: ['7'] }], { k: 2 });
    assert.equal(ranked.samples, 1);
    assert.equal(ranked.metrics['hit_rate@2'], 1);
    close(ranked.metrics['ndcg@2'], 1 / Math.log2(3), 'ndcg@2');

    assert.deepEqual(qualityOf('regression', []), { samples: 0, metrics: {} });
  });
});

it('reads windows', () => {
  assert.equal(windowMs('30m'), 1_800_000);
  assert.equal(windowMs('24h'), 86_400_000);
  assert.equal(windowMs('7d'), 604_800_000);
  for (const bad of ['0h', '1w', 'h', '1.5h', ' 1h']) assert.equal(windowMs(bad), undefined, bad);
});
