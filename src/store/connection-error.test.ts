import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionError, toStoreError } from './connection-error.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toStoreError', () => {
  it('turns an unreachable server into UMBRAL_ERR_STORE_UNAVAILABLE without its address', () => {
    const error = toStoreError(withCode('connect ECONNREFUSED 10.1.2.3:5432', 'ECONNREFUSED'));
    assert.deepEqual({ code: (error as { code: string }).code, message: (error as Error).message }, {
      code: 'UMBRAL_ERR_STORE_UNAVAILABLE',
      message: 'the database is unavailable (ECONNREFUSED); retry later',
    });
  });

  it('recognises server shutdown, too many connections and driver messages', () => {
    assert.ok(isConnectionError(withCode('terminating connection due to administrator command', '57P01')));
    assert.ok(isConnectionError(withCode('sorry, too many clients already', '53300')));
    assert.ok(isConnectionError(withCode('connection failure', '08006')));
    assert.ok(isConnectionError(new Error('Connection terminated unexpectedly')));
    assert.ok(isConnectionError(new Error('timeout exceeded when trying to connect')));
  });

  it('passes SQL errors through unchanged, SQLSTATE and all', () => {
    const unique = withCode('duplicate key value violates unique constraint', '23505');
    assert.equal(toStoreError(unique), unique);
    assert.equal(isConnectionError(withCode('syntax error', '42601')), false);
    assert.equal(isConnectionError('not an error'), false);
  });
});
