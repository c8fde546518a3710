import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKEND_KINDS, isRemoteKind, REMOTE_BACKEND_KINDS } from './backend-kind.js';

describe('backend kinds', () => {
  it('lists every kind once, and which serve from remote servers', () => {
    assert.deepEqual(BACKEND_KINDS, ['onnx', 'kserve', 'openai']);
    assert.deepEqual(REMOTE_BACKEND_KINDS, ['kserve', 'openai']);
    assert.equal(isRemoteKind('onnx'), false);
  });
});
