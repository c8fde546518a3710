import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { registerLlmMetrics } from './llm-metrics.js';

describe('llm metrics', () => {
  it('counts tokens by kind and requests by stream and outcome', async () => {
    const registry = new Registry();
    const observer = registerLlmMetrics(registry, () => true);
    observer.usage('tutor', 12, 30);
    observer.usage('tutor', 3, 0);
    observer.request('tutor', true, 'ok');
    observer.request('tutor', false, 'UMBRAL_ERR_UPSTREAM_UNAVAILABLE');
    const text = await registry.metrics();
    assert.match(text, /umbral_llm_tokens_total\{model="tutor",kind="prompt"\} 15/);
    assert.match(text, /umbral_llm_tokens_total\{model="tutor",kind="completion"\} 30/);
    assert.match(text, /umbral_llm_requests_total\{model="tutor",stream="true",outcome="ok"\} 1/);
    assert.match(text, /umbral_llm_requests_total\{model="tutor",stream="false",outcome="UMBRAL_ERR_UPSTREAM_UNAVAILABLE"\} 1/);
  });

  it('counts a model it does not serve as unknown, so that callers cannot add series', async () => {
    const registry = new Registry();
    const observer = registerLlmMetrics(registry, (model) => model === 'tutor');
    observer.request('made-up-1', false, 'UMBRAL_ERR_MODEL_NOT_FOUND');
    observer.request('made-up-2', true, 'UMBRAL_ERR_MODEL_NOT_FOUND');
    observer.request('tutor', false, 'ok');
    const text = await registry.metrics();
    assert.doesNotMatch(text, /made-up/);
    assert.match(text, /umbral_llm_requests_total\{model="unknown",stream="false",outcome="UMBRAL_ERR_MODEL_NOT_FOUND"\} 1/);
    assert.match(text, /umbral_llm_requests_total\{model="tutor",stream="false",outcome="ok"\} 1/);
  });
});
