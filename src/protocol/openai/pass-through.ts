/**
 * The OpenAI routes umbral passes through to an upstream that serves them, body and answer as they
 * are (but `model`): the legacy completions (https://platform.openai.com/docs/api-reference/completions)
 * and the Responses API (https://platform.openai.com/docs/api-reference/responses). The value is the
 * path under the API's base URL.
 */
export type PassThroughRoute = 'completions' | 'responses';

/**
 * The events that end a Responses API stream: it sends no `[DONE]`, the connection closes after
 * one of them. A stream that closes before one came was cut short.
 */
const RESPONSE_END_EVENTS: ReadonlySet<unknown> = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Whether `payload` is the last event of a `route` stream that does not end with `[DONE]`. */
export function endsStream(route: PassThroughRoute, payload: Readonly<Record<string, unknown>>): boolean {
  return route === 'responses' && RESPONSE_END_EVENTS.has(payload.type);
}

