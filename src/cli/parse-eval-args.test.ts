import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from './parse-args.js';
import { renderReport } from './run-eval-command.js';

describe('umbral eval and datasets arguments', () => {
  it('reads an evaluation, a stored report, dataset actions and a forced promotion', () => {
    assert.deepEqual(parseCommand(['eval', 'spam', '--dataset', 'holdout', '--versions', 'champion, 4', '--sample', '100', '--seed', '0']), {
      kind: 'eval', model: 'spam', client: { url: undefined, key: undefined }, json: false,
      action: { name: 'run', dataset: 'holdout', versions: ['champion', '4'], sample: 100, seed: 0 },
    });
    assert.deepEqual((parseCommand(['eval', 'spam', '--report', '12', '--json']) as { action: unknown }).action, { name: 'report', id: '12' });
    assert.deepEqual((parseCommand(['datasets', 'push', 'spam', 'h.jsonl', '--name', 'holdout']) as { action: unknown }).action,
      { name: 'push', model: 'spam', file: 'h.jsonl', dataset: 'holdout' });
    assert.deepEqual((parseCommand(['models', 'promote', 'spam', '--force', '--reason', 'INC-42']) as { action: unknown }).action,
      { name: 'promote', model: 'spam', force: { reason: 'INC-42' } });
  });

  it('refuses bad usage with one line', () => {
    for (const argv of [['eval', 'spam'], ['eval', 'spam', '--dataset', 'd', '--sample', '0'], ['datasets', 'push', 'spam', 'f'],
      ['models', 'promote', 'spam', '--force'], ['models', 'promote', 'spam', '--reason', 'x'], ['eval']]) {
      assert.throws(() => parseCommand(argv), (error: Error & { code?: string }) => error.code === 'UMBRAL_ERR_USAGE' && !error.message.includes('\n'), argv.join(' '));
    }
  });

  it('prints metrics by version, then latency and failures', () => {
    const text = renderReport({
      id: '3', dataset: { name: 'holdout', rows: 10 }, sample: null, task: { type: 'classification' },
      versions: [
        { version: 1, alias: 'champion', rows: 10, failed: 0, metrics: { accuracy: 0.9, 'f1:spam': 0.8 }, latencyMs: { p50: 1, p99: 2 } },
        { version: 2, rows: 10, failed: 1, metrics: { accuracy: 0.95 } },
      ],
    });
    assert.equal(text, [
      'evaluation 3: classification on dataset holdout (10 rows)',
      'METRIC          1 (champion)  2',
      'accuracy        0.9000        0.9500',
      'latency p50 ms  1.0000        —',
      'latency p99 ms  2.0000        —',
      'rows failed     0 of 10       1 of 10',
    ].join('\n'));
  });
});
