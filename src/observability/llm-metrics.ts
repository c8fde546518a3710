import { Counter, type Registry } from 'prom-client';

/** What the OpenAI routes report per call: token usage when the upstream tells it, and how the call ended. */
export interface LlmUsageObserver {
  /** Tokens of one call, as the upstream counted them (a stream reports them only when asked to). */
  usage(model: string, promptTokens: number, completionTokens: number): void;
  /** One call ended: `outcome` is `ok`, `cancelled`, or the error code (UMBRAL_ERR_…). */
  request(model: string, stream: boolean, outcome: string): void;
}

/** The `model` label of a call for a model umbral does not serve. */
export const UNKNOWN_MODEL = 'unknown';

/**
 * Registers umbral_llm_tokens_total{model,kind} and umbral_llm_requests_total{model,stream,outcome}
 * on `registry` and returns the observer that feeds them. Labels are bounded: outcomes are catalogue
 * codes, and a model name the client made up (the body names it) counts as `unknown` unless `serves`
 * knows it, so that no caller can add series.
 */
export function registerLlmMetrics(registry: Registry, serves: (model: string) => boolean): LlmUsageObserver {
  const label = (model: string) => (serves(model) ? model : UNKNOWN_MODEL);
  const tokens = new Counter({
    name: 'umbral_llm_tokens_total', help: 'Tokens of LLM calls as the upstream reported them, by kind (prompt, completion).',
    labelNames: ['model', 'kind'] as const, registers: [registry],
  });
  const requests = new Counter({
    name: 'umbral_llm_requests_total', help: 'OpenAI-compatible calls (chat, embeddings), by streaming and outcome (ok, cancelled or error code).',
    labelNames: ['model', 'stream', 'outcome'] as const, registers: [registry],
  });
  return {
    usage(model, promptTokens, completionTokens) {
      tokens.inc({ model: label(model), kind: 'prompt' }, promptTokens);
      if (completionTokens > 0) tokens.inc({ model: label(model), kind: 'completion' }, completionTokens);
    },
    request(model, stream, outcome) {
      requests.inc({ model: label(model), stream: String(stream), outcome });
    },
  };
}
