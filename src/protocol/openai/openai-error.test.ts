import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../../errors/catalogue.js';
import { openAiError, openAiStatus, readOpenAiError, UpstreamOpenAiError } from './openai-error.js';

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

describe('openai error: types, codes and an upstream\'s own error', () => {
  it('types 401 and 403 as OpenAI does and uses OpenAI\'s code where it has one', () => {
    assert.deepEqual(pick(openAiError(Errors.unauthenticated('no key'), 'r')), ['authentication_error', 'invalid_api_key']);
    assert.deepEqual(pick(openAiError(Errors.forbidden('infer'), 'r')), ['permission_error', 'UMBRAL_ERR_FORBIDDEN']);
    assert.deepEqual(pick(openAiError(Errors.modelNotFound('m'), 'r')), ['invalid_request_error', 'model_not_found']);
    assert.deepEqual(pick(openAiError(Errors.rateLimited('key', 3), 'r')), ['rate_limit_error', 'rate_limit_exceeded']);
  });

  it('reads OpenAI\'s error object and nothing else', () => {
    assert.deepEqual(readOpenAiError('{"error": {"message": "too long", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded", "extra": 1}}'),
      { message: 'too long', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' });
    assert.equal(readOpenAiError('{"detail": "Not Found"}'), undefined);
    assert.equal(readOpenAiError('not json'), undefined);
  });

  it('renders an upstream refusal with its status and fields, filling what it left empty with ours', () => {
    const error = Errors.upstreamRejected('m', 'too long');
    error.cause = new UpstreamOpenAiError(404, { message: 'Invalid URL', type: '', param: null, code: null });
    assert.equal(openAiStatus(error), 404);
    assert.deepEqual(openAiError(error, 'r').error, { message: 'Invalid URL', type: 'invalid_request_error', param: null, code: 'UMBRAL_ERR_UPSTREAM_REJECTED' });
  });
});

function pick(body: { error: { type: string; code: string | null } }): [string, string | null] {
  return [body.error.type, body.error.code];
}
