/**
 * The deterministic answers of the fake OpenAI-compatible upstream: a chat completion is
 * `echo: <last user message>`, an embedding is a vector computed from the text. Tests and benches
 * can compute what a correct answer is.
 */

interface Message { role?: unknown; content?: unknown }

/** The completion text for a chat body: `echo: ` and the text of its last user message. */
export function echoText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return `echo: ${contentText(last?.content)}`;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** Whitespace-separated words: the fake's token count. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}

function promptTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  return messages.reduce((sum, m) => sum + countTokens(contentText(m.content)), 0);
}

/** Usage as OpenAI reports it for a chat body and its completion text. */
export function chatUsage(body: Record<string, unknown>, text: string) {
  const prompt = promptTokens(body);
  const completion = countTokens(text);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A non-streaming `chat.completion` object, usage included. */
export function chatCompletion(body: Record<string, unknown>, id: string) {
  const text = echoText(body);
  return {
    id, object: 'chat.completion', created: 1_700_000_000, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: chatUsage(body, text),
  };
}

/**
 * The `chat.completion.chunk` payloads of a streamed answer: the role, one chunk per word, the
 * finish reason, then (when `stream_options.include_usage`) a chunk with no choices and the usage.
 */
export function chatChunks(body: Record<string, unknown>, id: string): object[] {
  const text = echoText(body);
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model };
  const choice = (delta: object, finish: string | null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const words = text.split(/(?<= )/);
  const chunks: object[] = [choice({ role: 'assistant', content: '' }, null), ...words.map((w) => choice({ content: w }, null)), choice({}, 'stop')];
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true) chunks.push({ ...base, choices: [], usage: chatUsage(body, text) });
  return chunks;
}

/** The vector the fake returns for a text (or a token array, as its JSON), `dimensions` long. */
export function embeddingOf(input: unknown, dimensions: number): number[] {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  let seed = 17;
  for (let i = 0; i < text.length; i++) seed = (seed * 31 + text.charCodeAt(i)) % 1_000_003;
  return Array.from({ length: dimensions }, (_, j) => ((seed * (j + 7)) % 1000) / 1000);
}

/** An embeddings `list` answer for a body's `input` (one string, strings, tokens or token arrays). */
export function embeddingsAnswer(body: Record<string, unknown>, dimensions: number) {
  const { input } = body;
  const items: unknown[] = typeof input === 'string' || (Array.isArray(input) && typeof input[0] === 'number') ? [input] : (input as unknown[]) ?? [];
  const tokens = items.reduce<number>((sum, item) => sum + (typeof item === 'string' ? countTokens(item) : (item as unknown[]).length), 0);
  return {
    object: 'list', model: body.model,
    data: items.map((item, index) => ({ object: 'embedding', index, embedding: embeddingOf(item, dimensions) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
