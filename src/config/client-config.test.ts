import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadClientConfig } from './client-config.js';

describe('loadClientConfig', () => {
  it('defaults to the local server without a key', () => {
    assert.deepEqual(loadClientConfig({}, {}), { url: 'http://127.0.0.1:8080', apiKey: undefined });
  });

  it('takes the environment, and flags over it; an empty value counts as unset', () => {
    const env = { UMBRAL_URL: 'https://umbral.example/', UMBRAL_API_KEY: 'env-key' };
    assert.deepEqual(loadClientConfig({}, env), { url: 'https://umbral.example', apiKey: 'env-key' });
    assert.deepEqual(loadClientConfig({ url: 'http://10.0.0.1:9000', key: 'flag-key' }, env), { url: 'http://10.0.0.1:9000', apiKey: 'flag-key' });
    assert.deepEqual(loadClientConfig({ key: '' }, { UMBRAL_URL: '', UMBRAL_API_KEY: '' }), { url: 'http://127.0.0.1:8080', apiKey: undefined });
  });

  it('keeps a path prefix for a server behind a proxy', () => {
    assert.equal(loadClientConfig({ url: 'https://gw.example/umbral/' }, {}).url, 'https://gw.example/umbral');
  });

  it('rejects a URL that is not http(s), naming where it came from, and is frozen', () => {
    for (const [flags, env, origin] of [[{ url: 'localhost:8080' }, {}, '--url'], [{}, { UMBRAL_URL: 'ftp://x' }, 'UMBRAL_URL']] as const) {
      assert.throws(() => loadClientConfig(flags, env), (error: Error & { code?: string }) =>
        error.code === 'UMBRAL_ERR_CONFIG_INVALID' && error.message.includes(origin));
    }
    assert.ok(Object.isFrozen(loadClientConfig({}, {})));
  });
});
