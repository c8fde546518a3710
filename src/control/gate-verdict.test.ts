import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluationReport, VersionReport } from '../mlops/evaluation/evaluation-report.js';
import { judgeGate } from './gate-verdict.js';

const version = (number: number, metrics: Record<string, number>, p99 = 10, failed = 0): VersionReport => ({
  version: number, rows: 100, failed, failures: failed > 0 ? [{ line: 1, code: 'UMBRAL_ERR_BACKEND_FAILED', message: 'x' }] : [],
  metrics, latencyMs: { p50: p99 / 2, p99, mean: p99 / 2 },
});
const report = (...versions: VersionReport[]): EvaluationReport => ({
  id: '1', model: 'm', dataset: { name: 'd', sha256: 'a'.repeat(64), rows: 100 }, sample: null,
  task: { type: 'classification' }, versions, createdBy: 'alice', createdAt: new Date(0).toISOString(),
});

describe('the promotion gate verdict', () => {
  it('passes an improvement at least the minimum, absolute or relative', () => {
    const r = report(version(1, { f1_macro: 0.8 }), version(2, { f1_macro: 0.85 }));
    assert.equal(judgeGate({ dataset: 'd', metric: 'f1_macro', min_improvement: 0.05 }, r, 1, 2).passed, true);
    assert.equal(judgeGate({ dataset: 'd', metric: 'f1_macro', min_improvement: 0.06 }, r, 1, 2).passed, false);
    const relative = judgeGate({ dataset: 'd', metric: 'f1_macro', min_improvement: 0.06, improvement: 'relative' }, r, 1, 2);
    assert.equal(relative.passed, true, relative.reasons.join());
    assert.ok(Math.abs((relative.metric?.improvement ?? 0) - 0.0625) < 1e-9);
  });

  it('counts lower-is-better metrics the right way round', () => {
    const r = report(version(1, { rmse: 2 }), version(2, { rmse: 1.5 }));
    assert.equal(judgeGate({ dataset: 'd', metric: 'rmse', min_improvement: 0.5 }, r, 1, 2).passed, true);
    const worse = judgeGate({ dataset: 'd', metric: 'rmse' }, report(version(1, { rmse: 1 }), version(2, { rmse: 1.1 })), 1, 2);
    assert.equal(worse.passed, false);
    assert.match(worse.reasons[0] ?? '', /rmse 1.1 against the champion's 1: -0.1 better, 0 required/);
  });

  it('bounds the p99 latency regression by either bound, and refuses a challenger that failed rows', () => {
    const r = report(version(1, { accuracy: 0.9 }, 10), version(2, { accuracy: 0.9 }, 14));
    assert.equal(judgeGate({ dataset: 'd', metric: 'accuracy', max_latency_regression: { relative: 0.5 } }, r, 1, 2).passed, true);
    assert.equal(judgeGate({ dataset: 'd', metric: 'accuracy', max_latency_regression: { relative: 0.2, ms: 5 } }, r, 1, 2).passed, true);
    const slow = judgeGate({ dataset: 'd', metric: 'accuracy', max_latency_regression: { relative: 0.2, ms: 1 } }, r, 1, 2);
    assert.equal(slow.passed, false);
    assert.match(slow.reasons[0] ?? '', /4 ms slower, at most 20 % or 1 ms allowed/);
    const failing = judgeGate({ dataset: 'd', metric: 'accuracy' }, report(version(1, { accuracy: 0.9 }), version(2, { accuracy: 0.95 }, 10, 3)), 1, 2);
    assert.deepEqual(failing.reasons, ['the challenger failed 3 of 100 rows (UMBRAL_ERR_BACKEND_FAILED)']);
  });

  it('fails when the metric was not computed', () => {
    const verdict = judgeGate({ dataset: 'd', metric: 'roc_auc' }, report(version(1, {}), version(2, {})), 1, 2);
    assert.equal(verdict.passed, false);
    assert.match(verdict.reasons[0] ?? '', /roc_auc' was not computed/);
  });
});
