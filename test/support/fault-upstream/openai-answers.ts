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
    data: items.map((item, index) => ({ object: 'embedding', index, embedding: encoded(embeddingOf(item, dimensions), body.encoding_format) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** The completion text for a completions body: `echo: ` and its prompt (the first one, as text). */
function promptText(body: Record<string, unknown>): string {
  const prompt = Array.isArray(body.prompt) ? body.prompt[0] : body.prompt;
  return typeof prompt === 'string' ? prompt : JSON.stringify(prompt ?? '');
}

/** A non-streaming `text_completion`, usage included. */
export function textCompletion(body: Record<string, unknown>, id: string) {
  const prompt = promptText(body);
  const text = `echo: ${prompt}`;
  const usage = { prompt_tokens: countTokens(prompt), completion_tokens: countTokens(text), total_tokens: countTokens(prompt) + countTokens(text) };
  return { id, object: 'text_completion', created: 1_700_000_000, model: body.model, choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }], usage };
}

/** The chunks of a streamed completion: one per word, then (with `stream_options.include_usage`) the usage. */
export function textCompletionChunks(body: Record<string, unknown>, id: string): object[] {
  const whole = textCompletion(body, id);
  const text = whole.choices[0]?.text ?? '';
  const base = { id, object: 'text_completion', created: 1_700_000_000, model: body.model };
  const chunks: object[] = text.split(/(?<= )/).map((w, i, all) => ({
    ...base, choices: [{ index: 0, text: w, logprobs: null, finish_reason: i === all.length - 1 ? 'stop' : null }],
  }));
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true) chunks.push({ ...base, choices: [], usage: whole.usage });
  return chunks;
}

function inputText(body: Record<string, unknown>): string {
  if (typeof body.input === 'string') return body.input;
  return Array.isArray(body.input) ? contentText((body.input as Message[]).at(-1)?.content) : '';
}

/** A Responses API `response` object: one output message `echo: <input>`, usage in its shape. */
export function responseObject(body: Record<string, unknown>, id: string, status = 'completed') {
  const input = inputText(body);
  const text = `echo: ${input}`;
  return {
    id, object: 'response', created_at: 1_700_000_000, status, model: body.model, error: null,
    output: [{ id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage: { input_tokens: countTokens(input), output_tokens: countTokens(text), total_tokens: countTokens(input) + countTokens(text) },
  };
}

/** The events of a streamed response: created, one text delta per word, then completed (no `[DONE]`). */
export function responseEvents(body: Record<string, unknown>, id: string): object[] {
  const done = responseObject(body, id);
  const text = done.output[0]?.content[0]?.text ?? '';
  const started = { ...done, status: 'in_progress', output: [], usage: null };
  const deltas = text.split(/(?<= )/).map((delta, i) => ({ type: 'response.output_text.delta', sequence_number: i + 1, item_id: `msg_${id}`, output_index: 0, content_index: 0, delta }));
  return [{ type: 'response.created', sequence_number: 0, response: started }, ...deltas, { type: 'response.completed', sequence_number: deltas.length + 1, response: done }];
}

/** A vector as `encoding_format` asks: floats, or the base64 of its little-endian float32 bytes (what OpenAI's SDKs ask by default). */
function encoded(vector: number[], format: unknown): number[] | string {
  return format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
}
