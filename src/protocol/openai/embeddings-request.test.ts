import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../kserve/protocol-error.js';
import { parseEmbeddingsRequest } from './embeddings-request.js';

describe('embeddings request', () => {
  it('accepts a text, texts, tokens and token arrays, and passes other fields through', () => {
    for (const input of ['a', ['a', 'b'], [1, 2, 3], [[1, 2], [3]]]) {
      assert.deepEqual(parseEmbeddingsRequest({ model: 'e', input, user: 'u' }), { model: 'e', input, user: 'u' });
    }
  });

  it('refuses a missing or mistyped input, naming it', () => {
    for (const input of [undefined, 3, [], [true], [[1.5]]]) {
      assert.throws(() => parseEmbeddingsRequest({ model: 'e', input }),
        (error: unknown) => error instanceof ProtocolError && error.args[0].startsWith('input'));
    }
  });
});
