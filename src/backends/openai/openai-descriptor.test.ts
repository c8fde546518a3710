import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openaiDescriptorSchema } from './openai-descriptor.js';

const issues = (value: unknown) => {
  const checked = openaiDescriptorSchema.safeParse(value);
  assert.equal(checked.success, false, 'the descriptor was accepted');
  return checked.error?.issues.map((i) => i.path.join('.')) ?? [];
};

describe('openai descriptor', () => {
  it('accepts every field', () => {
    const descriptor = {
      base_urls: ['https://api.openai.com/v1', 'http://10.0.0.7:8000/v1'], api_key_env: 'OPENAI_API_KEY',
      model: 'gpt-4o-mini', headers: { 'OpenAI-Organization': 'org-1' }, embeddings: true,
    };
    assert.deepEqual(openaiDescriptorSchema.parse(descriptor), descriptor);
    assert.deepEqual(openaiDescriptorSchema.parse({ base_urls: ['http://127.0.0.1:1/v1'] }), { base_urls: ['http://127.0.0.1:1/v1'] });
  });

  it('refuses what cannot work, naming the field', () => {
    assert.deepEqual(issues({ base_urls: [] }), ['base_urls']);
    assert.deepEqual(issues({ base_urls: ['ftp://x/v1'] }), ['base_urls.0']);
    assert.deepEqual(issues({ base_urls: ['http://x/v1'], api_key_env: 'sk-live-123 oops' }), ['api_key_env']);
    assert.deepEqual(issues({ base_urls: ['http://x/v1'], headers: { 'bad header': 'v' } }), ['headers.bad header']);
    assert.deepEqual(issues({ base_urls: ['http://x/v1'], baseUrl: 'http://x' }), ['']);
    assert.deepEqual(issues({ base_urls: ['http://x/v1'], api_key_env: 'K', headers: { Authorization: 'Bearer x' } }), ['headers.Authorization']);
  });
});
