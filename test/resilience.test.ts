import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * Retries enough to ride out 30 % failures with a margin (0.3⁸ ≈ 0.007 % of requests fail, so that
 * the 99.9 % bound holds in nearly every run), a budget that allows them, a breaker that 30 % does not trip.
 */
const RIDE_OUT = {
  retry: { max_attempts: 8, initial_delay_ms: 1, max_delay_ms: 10, budget_percent: 100 },
  breaker: { consecutive_failures: 20, failure_ratio: 0.9, window_size: 100, min_requests: 50 },
  health_check_interval_ms: 0,
};
const DEADLINE_MS = 1_000;

describe('resilience against failing upstreams (fault injection)', () => {
  let flaky: KserveUpstream;
  let hanging: KserveUpstream;
  let broken: KserveUpstream;
  let wasteful: KserveUpstream;
  let healthy: KserveUpstream;
  let server: TestServer;
  before(async () => {
    [flaky, hanging, broken, wasteful, healthy] = await Promise.all([
      startKserveUpstream({ fault: { kind: 'status503', rate: 0.3 } }),
      startKserveUpstream({ fault: { kind: 'hang', rate: 1 } }),
      startKserveUpstream({ fault: { kind: 'status503', rate: 1 } }),
      startKserveUpstream({ fault: { kind: 'status503', rate: 1 } }),
      startKserveUpstream(),
    ]);
    server = await startTestServer({
      models: {},
      extraModels: {
        flaky: kserveModel([flaky.httpUrl], { resilience: RIDE_OUT }),
        'flaky-grpc': kserveModel([flaky.grpcTarget], { protocol: 'grpc', resilience: RIDE_OUT }),
        hanging: kserveModel([hanging.httpUrl], { resilience: { timeout_ms: DEADLINE_MS, health_check_interval_ms: 0 } }),
        broken: kserveModel([broken.httpUrl], {
          resilience: { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 3, half_open_after_ms: 500 }, health_check_interval_ms: 0 },
        }),
        wasteful: kserveModel([wasteful.httpUrl], {
          resilience: { retry: { max_attempts: 5, initial_delay_ms: 0, max_delay_ms: 0, budget_percent: 20, min_retries_per_second: 0 },
            breaker: { consecutive_failures: 1000, min_requests: 1000, window_size: 1000 }, health_check_interval_ms: 0 },
        }),
        primary: kserveModel([broken.httpUrl], {
          fallback: ['backup'], resilience: { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 2, half_open_after_ms: 60_000 }, health_check_interval_ms: 0 },
        }),
        backup: kserveModel([healthy.httpUrl]),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await Promise.all([flaky, hanging, broken, wasteful, healthy].map((u) => u.close()));
  });

  const infer = (model: string) => postJson(`${server.url}/v2/models/${model}/infer`, addSubRequest());

  it('serves ≥ 99.9 % of requests while 30 % of upstream requests fail', async () => {
    flaky.resetCounts();
    let ok = 0;
    const total = 1000;
    for (let batch = 0; batch < total / 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => infer('flaky')));
      ok += answers.filter((a) => a.status === 200).length;
    }
    assert.ok(ok / total >= 0.999, `${ok} of ${total} succeeded`);
    assert.ok(flaky.counts.faulted > 200, `the upstream failed ${flaky.counts.faulted} requests`);
  });

  it('rides out the same failures over gRPC (UNAVAILABLE retried)', async () => {
    const answers = [];
    for (let batch = 0; batch < 10; batch++) answers.push(...await Promise.all(Array.from({ length: 20 }, () => infer('flaky-grpc'))));
    const ok = answers.filter((a) => a.status === 200).length;
    assert.ok(ok >= 199, `${ok} of 200 succeeded`);
  });

  it('holds the deadline within 10 % when the upstream hangs, and tells the client', async () => {
    const started = performance.now();
    const answer = await infer('hanging');
    const elapsed = performance.now() - started;
    assert.equal(answer.status, 504);
    assert.equal(answer.body.code, 'UMBRAL_ERR_DEADLINE_EXCEEDED');
    assert.ok(elapsed >= DEADLINE_MS * 0.95 && elapsed <= DEADLINE_MS * 1.1, `answered after ${Math.round(elapsed)} ms`);
    await sleep(50);
    assert.equal(hanging.counts.inFlight, 0, 'the upstream request was cancelled');
  });

  it('opens the breaker after its threshold, then fails fast without calling the server, and recovers through half-open', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await infer('broken')).status, 503);
    broken.resetCounts();
    const refused = await infer('broken');
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'UMBRAL_ERR_CIRCUIT_OPEN');
    assert.ok(refused.headers.get('retry-after'));
    assert.ok(Number(refused.headers.get('x-umbral-overhead-ms')) < 5, `refused in ${refused.headers.get('x-umbral-overhead-ms')} ms`);
    assert.equal(broken.counts.byRoute.infer, 0, 'an open breaker sends nothing upstream');
    const breakers = await getJson(`${server.url}/admin/breakers`);
    assert.match(JSON.stringify(breakers.body), /"model":"broken","version":"1","servers":\[\{"url":"[^"]+","healthy":true,"breaker":"open"/);
    broken.faults.set(undefined);
    await sleep(600);
    assert.equal((await infer('broken')).status, 200, 'the half-open probe succeeds');
    assert.equal((await infer('broken')).status, 200);
    assert.match(JSON.stringify((await getJson(`${server.url}/admin/breakers`)).body), /"model":"broken","version":"1","servers":\[\{[^}]*"breaker":"closed"/);
    broken.faults.set({ kind: 'status503', rate: 1 });
  });

  it('caps upstream amplification with the retry budget', async () => {
    wasteful.resetCounts();
    const requests = 200;
    for (let i = 0; i < requests; i++) assert.equal((await infer('wasteful')).status, 503);
    const sent = wasteful.counts.byRoute.infer;
    assert.ok(sent <= requests * 1.2 + 1, `${sent} upstream requests for ${requests} (5 attempts each would be ${requests * 5})`);
    const metrics = (await getJson(`${server.url}/metrics`)).text;
    assert.match(metrics, /umbral_upstream_retry_budget_exhausted_total\{upstream="wasteful"\} [1-9]/);
  });

  it('answers from the fallback model when the primary\'s breaker is open, and says so', async () => {
    for (let i = 0; i < 4; i++) {
      const answer = await infer('primary');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.headers.get('x-umbral-fallback'), 'backup:1');
      assert.equal(answer.body.model_name, 'backup');
    }
    const breakers = JSON.stringify((await getJson(`${server.url}/admin/breakers`)).body);
    assert.match(breakers, /"model":"primary","version":"1","servers":\[\{[^}]*"breaker":"open"/);
    assert.match((await getJson(`${server.url}/metrics`)).text, /umbral_fallback_total\{model="primary",fallback="backup"\} 4/);
  });
});
