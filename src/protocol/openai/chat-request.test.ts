import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../kserve/protocol-error.js';
import { parseChatRequest } from './chat-request.js';

const valid = { model: 'tutor', messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown): [string, string] {
  try {
    parseChatRequest(body);
  } catch (error) {
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.kind, 'invalid_request');
    return error.args as [string, string];
  }
  assert.fail('the body was accepted');
}

describe('chat request', () => {
  it('accepts a minimal body and passes unknown fields through, at the top and in messages', () => {
    const body = parseChatRequest({
      ...valid, stream: true, temperature: 0.2, max_tokens: 64, logit_bias: { 50256: -100 },
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi' }], name: 'ann' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1' }] }, { role: 'tool', content: '42', tool_call_id: 't1' }],
    });
    assert.equal(body.stream, true);
    assert.deepEqual(body.logit_bias, { 50256: -100 });
    assert.equal(body.messages[1]?.name, 'ann');
    assert.deepEqual(body.messages[2]?.tool_calls, [{ id: 't1' }]);
  });

  it('names the field that is wrong', () => {
    assert.equal(refusal({ messages: valid.messages })[0], 'model');
    assert.equal(refusal({ model: 'tutor', messages: [] })[0], 'messages');
    assert.equal(refusal({ ...valid, messages: [{ role: 'robot', content: 'x' }] })[0], 'messages[0].role');
    assert.equal(refusal({ ...valid, messages: [{ role: 'user', content: 7 }] })[0], 'messages[0].content');
    assert.equal(refusal({ ...valid, temperature: 3 })[0], 'temperature');
    assert.equal(refusal({ ...valid, max_tokens: 0 })[0], 'max_tokens');
    assert.equal(refusal({ ...valid, max_completion_tokens: 1.5 })[0], 'max_completion_tokens');
    assert.equal(refusal({ ...valid, stream: 'yes' })[0], 'stream');
    assert.equal(refusal({ ...valid, stop: ['a', 'b', 'c', 'd', 'e'] })[0], 'stop');
    assert.equal(refusal({ ...valid, n: 0 })[0], 'n');
    assert.equal(refusal('hello')[0], 'body');
  });

  it('refuses a pass-through field nested too deep to send on, naming it', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`) as unknown;
    const [field, problem] = refusal({ ...valid, metadata: { tags: deep } });
    assert.match(field, /^metadata\.tags(\[0\])+$/);
    assert.match(problem, /nested deeper than 64 levels/);
    assert.equal(parseChatRequest({ ...valid, tools: [{ function: { parameters: { a: { b: { c: [1] } } } } }] }).model, 'tutor');
  });

  it('says what the value must be', () => {
    const [, problem] = refusal({ ...valid, temperature: 3 });
    assert.match(problem, /2/);
  });
});
