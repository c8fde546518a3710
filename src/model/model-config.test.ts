import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writtenModelConfigSchema } from './model-config.js';

const problems = (config: object) => {
  const parsed = writtenModelConfigSchema.safeParse(config);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('a written model.yaml', () => {
  it('names a backend kind, onnx by default', () => {
    assert.equal(writtenModelConfigSchema.parse({}).backend, 'onnx');
    assert.match(problems({ backend: 'tensorflow' }).join(), /^backend: /);
  });

  it('gives a remote backend its own section, and no other', () => {
    assert.deepEqual(problems({ backend: 'kserve' }), ["kserve: backend: kserve needs a 'kserve:' section (its servers)"]);
    assert.deepEqual(problems({ backend: 'openai', openai: {}, kserve: {} }), ['kserve: only for backend: kserve (this model\'s backend is openai)']);
    assert.deepEqual(problems({ backend: 'openai', openai: {}, resilience: {} }), []);
  });

  it('takes resilience settings only for remote backends', () => {
    assert.deepEqual(problems({ resilience: {} }), ['resilience: only for remote backends (kserve, openai)']);
  });
});
