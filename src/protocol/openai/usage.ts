/** Token counts an OpenAI-compatible server reports for one call. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/**
 * Reads `usage` from a JSON answer or a stream chunk (the last one carries it when the request set
 * `stream_options.include_usage`; the others have none or `null`), in the chat and completions
 * shape (`prompt_tokens`, `completion_tokens`) or the Responses API's (`input_tokens`,
 * `output_tokens`; in a stream, the `response` of its last event). Undefined when absent or malformed.
 */
export function readUsage(payload: unknown): TokenUsage | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { usage, response } = payload as { usage?: unknown; response?: unknown };
  if (typeof usage !== 'object' || usage === null) return usage === undefined && response !== undefined ? readUsage(response) : undefined;
  const counts = usage as Record<string, unknown>;
  const prompt = counts.prompt_tokens ?? counts.input_tokens;
  const completion = counts.completion_tokens ?? counts.output_tokens;
  const total = counts.total_tokens;
  if (!isCount(prompt)) return undefined;
  // Embeddings report no completion tokens.
  const completionTokens = isCount(completion) ? completion : 0;
  return { promptTokens: prompt, completionTokens, totalTokens: isCount(total) ? total : prompt + completionTokens };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
