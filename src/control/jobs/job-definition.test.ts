import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseNewJob } from './job-definition.js';

const webhook = { webhook: { url: 'https://ci.example.com/hooks/retrain', headers: { authorization: 'Bearer t' } } };

it('accepts a webhook job and a command job', () => {
  assert.deepEqual(parseNewJob({ name: 'retrain', schedule: ' 0 3 * * * ', model: 'ticket-classifier', action: webhook }), {
    name: 'retrain', schedule: '0 3 * * *', description: '', model: 'ticket-classifier', action: webhook, enabled: true,
  });
  assert.deepEqual(parseNewJob({ name: 'r2', schedule: '*/10 * * * * *', action: { command: ['python', 'train.py'] }, enabled: false }).action,
    { command: ['python', 'train.py'] });
});

it('refuses each kind of bad input with its code', () => {
  const cases: Array<[unknown, string]> = [
    [null, 'UMBRAL_ERR_INVALID_REQUEST'],
    [{ name: 'x', schedule: '* * * * *', action: webhook, extra: 1 }, 'UMBRAL_ERR_INVALID_REQUEST'],
    [{ name: '../x', schedule: '* * * * *', action: webhook }, 'UMBRAL_ERR_INVALID_NAME'],
    [{ name: 'x', schedule: 'sometimes', action: webhook }, 'UMBRAL_ERR_JOB_SCHEDULE_INVALID'],
    [{ name: 'x', schedule: 5, action: webhook }, 'UMBRAL_ERR_INVALID_REQUEST'],
    [{ name: 'x', schedule: '* * * * *', action: { webhook: { url: 'ftp://example.com/x' } } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { webhook: { url: 'not a url' } } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { webhook: { url: 'https://a.example', headers: { 'bad header': 'v' } } } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { webhook: { url: 'https://a.example', headers: { h: 'a\r\nb' } } } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { command: [] } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { command: [''] } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { command: 'rm -rf /' } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: { command: ['a'], webhook: { url: 'https://a.example' } } }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *' }, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
    [{ name: 'x', schedule: '* * * * *', action: webhook, model: 'a b' }, 'UMBRAL_ERR_INVALID_NAME'],
    [{ name: 'x', schedule: '* * * * *', action: webhook, enabled: 'yes' }, 'UMBRAL_ERR_INVALID_REQUEST'],
  ];
  for (const [body, code] of cases) {
    assert.throws(() => parseNewJob(body), (error: { code?: string; status?: number }) => error.code === code && error.status === 400, JSON.stringify(body));
  }
});
