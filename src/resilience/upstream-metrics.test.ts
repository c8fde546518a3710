import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { upstreamMetrics } from './upstream-metrics.js';

async function values(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  return (await metric.get()).values;
}

describe('upstreamMetrics', () => {
  it('counts attempts by outcome and times them per server', async () => {
    const registry = new Registry();
    const observer = upstreamMetrics(registry);
    observer.attempt?.('m', 'http://a', 'ok', 0.002);
    observer.attempt?.('m', 'http://a', 'ok', 0.004);
    observer.attempt?.('m', 'http://b', 'status_503', 0.5);
    const attempts = await values(registry, 'umbral_upstream_attempts_total');
    assert.deepEqual(attempts.map((v) => [v.labels, v.value]), [
      [{ upstream: 'm', server: 'http://a', outcome: 'ok' }, 2],
      [{ upstream: 'm', server: 'http://b', outcome: 'status_503' }, 1],
    ]);
    const duration = await values(registry, 'umbral_upstream_attempt_duration_seconds');
    const of = (suffix: string) => duration.find((v) => 'metricName' in v && v.metricName === `umbral_upstream_attempt_duration_seconds_${suffix}` && v.labels.server === 'http://a');
    const count = of('count');
    const sum = of('sum');
    assert.equal(count?.value, 2);
    assert.ok(Math.abs((sum?.value ?? 0) - 0.006) < 1e-9);
  });

  it('counts retries and refused retries per upstream', async () => {
    const registry = new Registry();
    const observer = upstreamMetrics(registry);
    observer.retry?.('m');
    observer.retry?.('m');
    observer.budgetExhausted?.('m');
    assert.deepEqual((await values(registry, 'umbral_upstream_retries_total')).map((v) => [v.labels, v.value]), [[{ upstream: 'm' }, 2]]);
    assert.deepEqual((await values(registry, 'umbral_upstream_retry_budget_exhausted_total')).map((v) => [v.labels, v.value]), [[{ upstream: 'm' }, 1]]);
  });

  it('shows each breaker as 0 closed, 1 half-open, 2 open, and health as 1 or 0', async () => {
    const registry = new Registry();
    const observer = upstreamMetrics(registry);
    const breaker = async () => (await values(registry, 'umbral_upstream_breaker_state')).map((v) => v.value);
    observer.breakerState?.('m', 'http://a', 'closed', true);
    assert.deepEqual(await breaker(), [0]);
    observer.breakerState?.('m', 'http://a', 'open', true);
    assert.deepEqual(await breaker(), [2]);
    observer.breakerState?.('m', 'http://a', 'half-open', true);
    assert.deepEqual(await breaker(), [1]);
    observer.health?.('m', 'http://a', false, true);
    observer.health?.('m', 'http://b', true, true);
    assert.deepEqual((await values(registry, 'umbral_upstream_server_healthy')).map((v) => [v.labels.server, v.value]), [['http://a', 0], ['http://b', 1]]);
    assert.match(await registry.metrics(), /# TYPE umbral_upstream_breaker_state gauge/);
  });
});
