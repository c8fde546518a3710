import type { UpstreamObserver } from '../../resilience/upstream-observer.js';
import { RemoteBackend, type RemoteKind } from '../remote-backend.js';
import { openAiApiKey } from './openai-api-key.js';
import { OpenAiClient } from './openai-client.js';
import { openaiDescriptorSchema, type OpenAiDescriptor } from './openai-descriptor.js';
import { openAiLlm } from './openai-llm.js';
import { OpenAiLoadedModel } from './openai-loaded-model.js';

/** What the openai backend takes of the backends' options (BackendOptions has these fields). */
export interface OpenAiBackendOptions {
  /** Where `api_key_env` is looked up (the server passes its environment; never process.env here). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Attempts, retries, breaker and health changes of every group, for metrics. */
  readonly upstreamObserver?: UpstreamObserver;
}

/**
 * Serves models from OpenAI-compatible APIs (OpenAI, vLLM, llama.cpp, Ollama, gateways). A version's
 * artifact is a JSON descriptor; loading it makes one server group over its base URLs and calls no
 * server (a load must not depend on a live call, and health checks follow their own interval).
 */
export class OpenAiBackend extends RemoteBackend<OpenAiDescriptor, OpenAiClient> {
  constructor(options: OpenAiBackendOptions = {}) {
    super(openai(options.environment ?? {}), options.upstreamObserver);
  }
}

function openai(environment: Readonly<Record<string, string | undefined>>): RemoteKind<OpenAiDescriptor, OpenAiClient> {
  return {
    kind: 'openai',
    descriptorSchema: openaiDescriptorSchema,
    endpoint: ({ model, descriptor, policy }) => {
      const apiKey = openAiApiKey(model, descriptor, environment);
      return {
        servers: descriptor.base_urls,
        connect: (url) => {
          if (!/^https?:\/\/[^\s/]+/.test(url)) throw new Error(`'${url}': use an http(s) base URL such as https://api.openai.com/v1`);
          return new OpenAiClient({ baseUrl: url, apiKey, headers: descriptor.headers, bodyTimeoutMs: policy.timeoutMs });
        },
        healthCheck: (client, signal) => client.healthy(signal),
        open: async (group, release) => new OpenAiLoadedModel(model, group,
          openAiLlm(group, { model, upstreamModel: descriptor.model ?? model, embeddings: descriptor.embeddings ?? false }), release),
      };
    },
  };
}
