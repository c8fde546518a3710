import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeGenerateRequest } from './generate-request.js';
import { decodeLlmInferRequest } from './llm-infer-request.js';
import { readSampling, readStreamFlag } from './llm-parameters.js';

describe('LLM parameters from KServe requests', () => {
  it('maps the recognised names to the chat fields, Triton\'s aliases included, and ignores the rest', () => {
    assert.deepEqual(readSampling({ max_tokens: 8, random_seed: 3n, stop_words: ['a', ''], top_k: 5, triton_enable_empty_final_response: true }),
      { max_tokens: 8, seed: 3, stop: ['a'] });
    assert.deepEqual(readSampling({ stop: '' }), {});
  });

  it('names the bad setting', () => {
    assert.throws(() => readSampling({ temperature: 3 }), { kind: 'invalid_parameter', args: ['temperature', 'must be a number from 0 to 2'] });
    assert.throws(() => readSampling({ max_tokens: 1.5 }), { kind: 'invalid_parameter' });
    assert.throws(() => readStreamFlag('yes'), { kind: 'invalid_parameter' });
    assert.equal(readStreamFlag(0), false);
  });

  it('decodes a generate body, top-level keys read as parameters and parameters winning', () => {
    assert.deepEqual(decodeGenerateRequest({ text_input: 'hi', max_tokens: 3, parameters: { max_tokens: 4 } }), { textInput: 'hi', sampling: { max_tokens: 4 } });
    assert.throws(() => decodeGenerateRequest({ parameters: {} }), { kind: 'invalid_request' });
    assert.throws(() => decodeGenerateRequest({ text_input: 'x', parameters: [1] }), { kind: 'invalid_request' });
  });

  it('reads an infer request the way vLLM and TensorRT-LLM clients send it', () => {
    const prompt = { name: 'text_input', datatype: 'BYTES' as const, shape: [1, 1], data: ['hello'] };
    const request = decodeLlmInferRequest({
      inputs: [prompt, { name: 'max_tokens', datatype: 'INT32', shape: [1, 1], data: new Int32Array([5]) },
        { name: 'stream', datatype: 'BOOL', shape: [1], data: new Uint8Array([0]) },
        { name: 'sampling_parameters', datatype: 'BYTES', shape: [1], data: ['{"temperature": 0.5}'] }],
      parameters: {},
    });
    assert.deepEqual(request, { prompt: 'hello', shape: [1, 1], sampling: { temperature: 0.5, max_tokens: 5 }, stream: false });
    assert.throws(() => decodeLlmInferRequest({ inputs: [{ ...prompt, shape: [2], data: ['a', 'b'] }], parameters: {} }), { kind: 'invalid_shape' });
    assert.throws(() => decodeLlmInferRequest({ inputs: [], parameters: {} }), { kind: 'invalid_request' });
  });
});
