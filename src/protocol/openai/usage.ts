/** Token counts an OpenAI-compatible server reports for one call. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/**
 * Reads `usage` from a JSON answer or a stream chunk (the last one carries it when the request set
 * `stream_options.include_usage`; the others have none or `null`). Undefined when absent or malformed.
 */
export function readUsage(payload: unknown): TokenUsage | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const usage = (payload as { usage?: unknown }).usage;
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = usage as Record<string, unknown>;
  if (!isCount(prompt)) return undefined;
  // Embeddings report no completion tokens.
  const completionTokens = isCount(completion) ? completion : 0;
  return { promptTokens: prompt, completionTokens, totalTokens: isCount(total) ? total : prompt + completionTokens };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
