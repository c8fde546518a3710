import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RouteAccessEntry } from '../../../src/server/plugins/access-control.js';
import { startKserveUpstream } from '../../support/fault-upstream/index.js';
import { startOpenAiUpstream } from '../../support/fault-upstream/openai-upstream.js';
import { startSecuredServer } from '../access-kit.js';
import { kserveModel } from '../remote-kit.js';
import { DEFAULT_MODELS, type TestServer } from '../test-server.js';

/** The server the route fuzz talks to, with its route table. */
export interface FuzzTarget {
  readonly server: TestServer;
  readonly routes: readonly RouteAccessEntry[];
  close(): Promise<void>;
}

/** Models that exist on the target, for routes that only read. */
export const FUZZ_MODELS = ['spam-classifier', 'echo', 'tutor', 'remote'] as const;

/**
 * A server with access control on and a model of every backend, so that generated requests reach
 * every kind of handler: the bundled spam classifier (with a response cache, whose keys hash the
 * request), the echo fixture, an LLM behind an OpenAI-compatible upstream (cached too) and a remote
 * model on a Triton-like upstream, both upstreams real local servers.
 */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const [llm, triton] = await Promise.all([startOpenAiUpstream(), startKserveUpstream()]);
  const routes: RouteAccessEntry[] = [];
  const spamYaml = readFileSync(join(DEFAULT_MODELS['spam-classifier'], 'model.yaml'), 'utf8');
  const server = await startSecuredServer({
    routeTable: routes,
    environment: { FUZZ_LLM_KEY: 'sk-fuzz-0123456789' },
    extraModels: {
      'spam-classifier': { 'model.yaml': `${spamYaml}\ncache:\n  ttl_seconds: 300\n` },
      tutor: {
        'model.yaml': stringify({
          backend: 'openai', required: false,
          openai: { base_urls: [llm.url], model: 'fake-llm', api_key_env: 'FUZZ_LLM_KEY', embeddings: true },
          cache: { llm: 'always' },
          resilience: { retry: { max_attempts: 1 }, health_check_interval_ms: 0 },
        }),
      },
      remote: kserveModel([triton.httpUrl], { resilience: { retry: { max_attempts: 1 }, health_check_interval_ms: 0 } }),
    },
  });
  return {
    server, routes,
    close: async () => {
      await server.shutdown('fuzz over');
      await Promise.all([llm.close(), triton.close()]);
    },
  };
}
