import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readUsage } from './usage.js';

describe('usage', () => {
  it('reads usage from an answer, and embeddings usage without completion tokens', () => {
    assert.deepEqual(readUsage({ usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }), { promptTokens: 3, completionTokens: 4, totalTokens: 7 });
    assert.deepEqual(readUsage({ usage: { prompt_tokens: 5, total_tokens: 5 } }), { promptTokens: 5, completionTokens: 0, totalTokens: 5 });
  });

  it('is undefined for chunks without usage and for malformed usage', () => {
    for (const payload of [{}, { usage: null }, { usage: { prompt_tokens: -1 } }, { usage: { prompt_tokens: '3' } }, null, 'x']) {
      assert.equal(readUsage(payload), undefined);
    }
  });
});

describe('usage of the Responses API', () => {
  it('reads input and output tokens, from a response or the response of a stream\'s last event', () => {
    const response = { object: 'response', usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 } };
    assert.deepEqual(readUsage(response), { promptTokens: 3, completionTokens: 5, totalTokens: 8 });
    assert.deepEqual(readUsage({ type: 'response.completed', response }), { promptTokens: 3, completionTokens: 5, totalTokens: 8 });
    assert.equal(readUsage({ type: 'response.created', response: { usage: null } }), undefined);
  });
});
