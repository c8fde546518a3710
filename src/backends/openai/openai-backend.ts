import type { UpstreamObserver } from '../../resilience/upstream-observer.js';
import { UpstreamGroup } from '../../resilience/upstream-group.js';
import type { Backend, LoadedModel, LoadRequest } from '../backend.js';
import { OpenAiClient } from './openai-client.js';
import { openAiLlm } from './openai-llm.js';
import { OpenAiLoadedModel } from './openai-loaded-model.js';
import { readOpenAiArtifact } from './read-openai-artifact.js';

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
export class OpenAiBackend implements Backend {
  readonly kind = 'openai' as const;
  readonly #live = new Set<UpstreamGroup<OpenAiClient>>();

  constructor(private readonly options: OpenAiBackendOptions = {}) {}

  async load(request: LoadRequest): Promise<LoadedModel> {
    const { model, artifactPath } = request;
    const { descriptor, policy, apiKey } = await readOpenAiArtifact(model, artifactPath, this.options.environment ?? {});
    const group = new UpstreamGroup<OpenAiClient>({
      name: model,
      servers: descriptor.base_urls,
      policy,
      connect: (url) => {
        if (!/^https?:\/\/[^\s/]+/.test(url)) throw new Error(`'${url}': use an http(s) base URL such as https://api.openai.com/v1`);
        return new OpenAiClient({ baseUrl: url, apiKey, headers: descriptor.headers, bodyTimeoutMs: policy.timeoutMs });
      },
      disconnect: (client) => client.close(),
      healthCheck: (client, signal) => client.healthy(signal),
      ...(this.options.upstreamObserver ? { observer: this.options.upstreamObserver } : {}),
    });
    this.#live.add(group);
    const llm = openAiLlm(group, { model, upstreamModel: descriptor.model ?? model, embeddings: descriptor.embeddings ?? false });
    return new OpenAiLoadedModel(model, group, llm, () => this.#live.delete(group));
  }

  /** Closes the groups of versions not released (a shutdown that skipped a release must not leak sockets). */
  async close(): Promise<void> {
    const groups = [...this.#live];
    this.#live.clear();
    await Promise.all(groups.map((group) => group.close()));
  }
}
