import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Metadata, status } from '@grpc/grpc-js';
import { Errors } from '../../errors/catalogue.js';
import { ProtocolError } from '../../protocol/kserve/protocol-error.js';
import { peerAddress } from './rpc-access.js';
import { errorStatus, grpcCodeOf, toUmbral } from './rpc-status.js';

describe('catalogue errors as gRPC statuses', () => {
  it('maps each HTTP status to its gRPC code', () => {
    const expected: Array<[ReturnType<typeof Errors.internal>, status]> = [
      [Errors.invalidData('x', 'bad'), status.INVALID_ARGUMENT],
      [Errors.unauthenticated('no'), status.UNAUTHENTICATED],
      [Errors.forbidden('infer'), status.PERMISSION_DENIED],
      [Errors.modelNotFound('m'), status.NOT_FOUND],
      [Errors.userExists('u'), status.FAILED_PRECONDITION],
      [Errors.bodyTooLarge(10), status.RESOURCE_EXHAUSTED],
      [Errors.rateLimited('2 requests per minute', 30), status.RESOURCE_EXHAUSTED],
      [Errors.cancelled(), status.CANCELLED],
      [Errors.shuttingDown(), status.UNAVAILABLE],
      [Errors.deadlineExceeded(5), status.DEADLINE_EXCEEDED],
      [Errors.backendFailed('m', 'boom'), status.INTERNAL],
      [Errors.unsupportedMediaType('x'), status.INVALID_ARGUMENT],
    ];
    for (const [error, code] of expected) assert.equal(status[grpcCodeOf(error)], status[code], error.code);
  });

  it('puts the code, retry-after and request id in the trailers, and shows a 5xx only as the request id', () => {
    const limited = errorStatus(Errors.rateLimited('2 requests per minute', 30), 'r1', new Metadata());
    assert.equal(limited.metadata?.get('x-umbral-error-code')[0], 'UMBRAL_ERR_RATE_LIMITED');
    assert.equal(limited.metadata?.get('retry-after')[0], '30');
    assert.match(String(limited.details), /2 requests per minute/);
    const internal = errorStatus(Errors.backendFailed('m', 'secret stack'), 'r2', new Metadata());
    assert.equal(internal.details, 'internal error; quote request id r2 to the operator');
    assert.equal(internal.metadata?.get('x-umbral-error-code')[0], 'UMBRAL_ERR_BACKEND_FAILED');
  });

  it('turns codec errors into their 400 and anything else into an internal error', () => {
    assert.equal(toUmbral(new ProtocolError('invalid_data', ['x', 'bad'])).code, 'UMBRAL_ERR_INVALID_DATA');
    assert.equal(toUmbral(new TypeError('oops')).code, 'UMBRAL_ERR_INTERNAL');
  });

  it('reads the client address out of a grpc-js peer', () => {
    assert.equal(peerAddress('127.0.0.1:5000'), '127.0.0.1');
    assert.equal(peerAddress('::1:5000'), '::1');
    assert.equal(peerAddress('[::1]:5000'), '::1');
    assert.equal(peerAddress('unknown'), 'unknown');
  });
});
