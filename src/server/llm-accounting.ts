import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import type { LlmUsageObserver } from '../observability/llm-metrics.js';
import type { TokenUsage } from '../protocol/openai/usage.js';

/**
 * How every transport that calls an LLM (the OpenAI routes, `generate`, ModelStreamInfer) counts
 * its calls in `umbral_llm_requests_total` and their tokens in `umbral_llm_tokens_total`.
 */

/** An LLM call's outcome label: `cancelled` when the caller left, else the error's catalogue code. */
export function llmOutcome(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'cancelled';
  return isUmbralError(error) ? error.code : Errors.internal.code;
}

/**
 * Runs `call` and counts it: an answer as `ok`, a failure with its outcome. A stream that has begun
 * (`streamed`) is not counted here: whoever relays it counts it when it ends.
 */
export async function observeLlmCall<T>(observer: LlmUsageObserver | undefined, model: string, streamed: boolean,
  signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    if (!streamed) observer?.request(model, false, 'ok');
    return result;
  } catch (error) {
    observer?.request(model, streamed, llmOutcome(error, signal));
    throw error;
  }
}

/** Counts the tokens the upstream reported, if it did. */
export function reportUsage(observer: LlmUsageObserver | undefined, model: string, usage: TokenUsage | undefined): void {
  if (usage) observer?.usage(model, usage.promptTokens, usage.completionTokens);
}
