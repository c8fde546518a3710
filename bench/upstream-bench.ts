import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Children } from './children.js';
import { measureLoad, type Measured, type Timing } from './jobs.js';
import type { LoadResult, ProxyListening, UpstreamListening } from './messages.js';
import { startUmbral } from './spawn-server.js';

export const UPSTREAM_CONCURRENCIES = [1, 32] as const;
/** Share of upstream requests that fail with 503 in the failure run. */
export const FAILURE_RATE = 0.3;

/** One protocol at one concurrency: straight to the upstream, through a bare undici proxy, through umbral. */
export interface UpstreamRow {
  readonly route: 'KServe v2 (HTTP)' | 'OpenAI chat';
  readonly concurrency: number;
  readonly direct: Measured<LoadResult>;
  readonly proxy: Measured<LoadResult>;
  readonly umbral: Measured<LoadResult>;
}

export interface UpstreamResults {
  readonly rows: readonly UpstreamRow[];
  /** KServe route at concurrency 32 through umbral: a healthy upstream, then one failing FAILURE_RATE with retries on. */
  readonly healthy: Measured<LoadResult>;
  readonly failing: Measured<LoadResult>;
}

const ADD_SUB = JSON.stringify({
  inputs: ['INPUT0', 'INPUT1'].map((name, k) => ({ name, datatype: 'INT32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i * (k + 1)) })),
});
const chat = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello in one word.' }], temperature: 0 });

/**
 * umbral in front of remote model servers: the KServe v2 route (an add-sub model on a local
 * instant upstream) and the OpenAI chat route, each measured straight to the upstream, through a
 * bare undici proxy (the floor a gateway is compared with) and through umbral, at concurrency 1
 * and 32; then the KServe route with the upstream failing 30 % of requests and umbral retrying.
 */
export async function benchUpstreams(children: Children, timing: Timing, root: string): Promise<UpstreamResults> {
  const healthyUp = (await children.run<UpstreamListening>('./fault-upstream-child.js', { kind: 'upstream', failureRate: 0 }, 30_000)).reply;
  const failingUp = (await children.run<UpstreamListening>('./fault-upstream-child.js', { kind: 'upstream', failureRate: FAILURE_RATE }, 30_000)).reply;
  const proxyTo = async (upstream: string) =>
    (await children.run<ProxyListening>('./bare-proxy.js', { kind: 'proxy', upstream, connections: 64 }, 30_000)).reply.origin;
  const kserveProxy = await proxyTo(healthyUp.kserveOrigin);
  const openaiProxy = await proxyTo(healthyUp.openaiOrigin);
  const dir = mkdtempSync(join(tmpdir(), 'umbral-bench-upstream-'));
  try {
    const modelsDir = writeModels(join(dir, 'models'), healthyUp, failingUp);
    const server = await startUmbral(children, {
      root, modelsDir, workDir: dir, settings: { UMBRAL_LOG_LEVEL: 'warn', UMBRAL_DATA_DIR: join(dir, 'data') },
    });
    const load = (origin: string, path: string, body: string, concurrency: number) =>
      Promise.race([measureLoad(children, timing, { origin, path, bodies: [body], concurrency }), server.died]);
    const rows: UpstreamRow[] = [];
    for (const concurrency of UPSTREAM_CONCURRENCIES) {
      console.error(`upstreams: KServe v2 at concurrency ${concurrency}`);
      const kservePath = '/v2/models/add-sub/infer';
      rows.push({
        route: 'KServe v2 (HTTP)', concurrency,
        direct: await load(healthyUp.kserveOrigin, kservePath, ADD_SUB, concurrency),
        proxy: await load(kserveProxy, kservePath, ADD_SUB, concurrency),
        umbral: await load(server.origin, '/v2/models/remote-add-sub/infer', ADD_SUB, concurrency),
      });
      console.error(`upstreams: OpenAI chat at concurrency ${concurrency}`);
      rows.push({
        route: 'OpenAI chat', concurrency,
        direct: await load(healthyUp.openaiOrigin, '/v1/chat/completions', chat('fake-llm'), concurrency),
        proxy: await load(openaiProxy, '/v1/chat/completions', chat('fake-llm'), concurrency),
        umbral: await load(server.origin, '/v1/chat/completions', chat('remote-llm'), concurrency),
      });
    }
    console.error(`upstreams: ${FAILURE_RATE * 100} % failures with retries`);
    const healthy = await load(server.origin, '/v2/models/remote-add-sub/infer', ADD_SUB, 32);
    const failing = await load(server.origin, '/v2/models/flaky-add-sub/infer', ADD_SUB, 32);
    await children.stop(server.child);
    return { rows, healthy, failing };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The remote models umbral serves in this bench, as a user would declare them. */
function writeModels(dir: string, healthy: UpstreamListening, failing: UpstreamListening): string {
  const model = (name: string, config: object) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'model.yaml'), stringify(config));
  };
  model('remote-add-sub', { backend: 'kserve', kserve: { servers: [healthy.kserveOrigin], model: 'add-sub' } });
  model('remote-llm', { backend: 'openai', openai: { base_urls: [`${healthy.openaiOrigin}/v1`], model: 'fake-llm' } });
  // Enough attempts and budget to ride out 30 % failures (0.3⁸ ≈ 0.007 %); the breaker's thresholds sit above what 30 % trips.
  model('flaky-add-sub', {
    backend: 'kserve', kserve: { servers: [failing.kserveOrigin], model: 'add-sub' },
    resilience: {
      retry: { max_attempts: 8, initial_delay_ms: 1, max_delay_ms: 5, budget_percent: 100 },
      breaker: { consecutive_failures: 20, failure_ratio: 0.8, window_size: 100, min_requests: 50 },
    },
  });
  return dir;
}
