import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parsePredictionsCommand } from './parse-predictions-args.js';

it('reads predictions export and its flags', () => {
  assert.deepEqual(parsePredictionsCommand(['export', '--model', 'm', '--from', '2026-01-01', '--format', 'csv', '-o', 'out.csv', '--url', 'http://h:1']), {
    kind: 'predictions', client: { url: 'http://h:1', key: undefined },
    action: { name: 'export', model: 'm', format: 'csv', from: '2026-01-01', output: 'out.csv' },
  });
  assert.deepEqual(parsePredictionsCommand(['export', '--model', 'm', '--version', '3']).kind, 'predictions');
  assert.deepEqual(parsePredictionsCommand(['--help']), { kind: 'help' });
});

it('refuses a missing model, a bad format and unknown actions', () => {
  assert.throws(() => parsePredictionsCommand(['export']), /needs --model M/);
  assert.throws(() => parsePredictionsCommand(['export', '--model', 'm', '--format', 'xml']), /--format must be jsonl or csv, got 'xml'/);
  assert.throws(() => parsePredictionsCommand(['import']), /unknown command 'predictions import'/);
});
