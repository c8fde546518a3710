import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../../errors/catalogue.js';
import { openAiError } from './openai-error.js';

describe('openai error', () => {
  it('renders a 400 with its message, our code and the param', () => {
    assert.deepEqual(openAiError(Errors.invalidRequest('temperature', 'too hot'), 'r1', 'temperature'), {
      error: { message: 'temperature: too hot', type: 'invalid_request_error', param: 'temperature', code: 'UMBRAL_ERR_INVALID_REQUEST' },
    });
  });

  it('types a 429 as rate_limit_error and a 5xx as server_error', () => {
    assert.equal(openAiError(Errors.upstreamRateLimited('m', 2), 'r').error.type, 'rate_limit_error');
    const unavailable = openAiError(Errors.upstreamUnavailable('m', 'all down'), 'r').error;
    assert.equal(unavailable.type, 'server_error');
    assert.match(unavailable.message, /no upstream server of model 'm'/);
  });

  it('hides the message of a 5xx that is not exposed behind the request id', () => {
    const body = openAiError(Errors.internal('secret stack'), 'req-7', 'x');
    assert.deepEqual(body.error, { message: 'internal error, request id req-7', type: 'server_error', param: null, code: 'UMBRAL_ERR_INTERNAL' });
  });
});
