import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { UpstreamError } from '../../resilience/upstream-error.js';
import { readEventStream } from './read-event-stream.js';
import { statusError, toUpstreamError } from '../http-failure.js';
import { injectTraceContext } from '../../observability/tracing.js';
import { readOpenAiError, UpstreamOpenAiError } from '../../protocol/openai/openai-error.js';
import { OpenAiRefusal } from './openai-refusal.js';

export interface OpenAiClientOptions {
  /** The API's base URL, e.g. `https://api.openai.com/v1`; paths (`/chat/completions`) are appended. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; no Authorization header without it. */
  readonly apiKey?: string;
  /** Extra headers on every request (an organisation id, a gateway's own key). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Longest silence inside an answer (between two stream chunks) before it counts as broken; default 5 min. */
  readonly bodyTimeoutMs?: number;
  /** Connections to this server; a stream holds one for its whole length. Default 256. */
  readonly connections?: number;
}

type Json = Record<string, unknown>;

/**
 * One OpenAI-compatible server: a keep-alive undici pool and the calls umbral makes. Every failure
 * is an UpstreamError classified for the resilience layer (connect, timeout, status, protocol), or
 * the signal's reason once it fired, so that a client disconnect cancels the upstream call.
 */
export class OpenAiClient {
  readonly baseUrl: string;
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #query: string;
  readonly #headers: Record<string, string>;
  readonly #apiKey: string | undefined;

  constructor(options: OpenAiClientOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    // Kept for APIs that version by query (Azure's `?api-version=`).
    this.#query = url.search;
    this.#apiKey = options.apiKey;
    this.#headers = {
      ...options.headers,
      accept: 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    };
    const bodyTimeout = options.bodyTimeoutMs ?? 300_000;
    this.#pool = new Pool(url.origin, { connections: options.connections ?? 256, bodyTimeout, headersTimeout: 0 });
  }

  /** A non-streaming chat completion: the server's JSON answer. */
  chat(body: Readonly<Json>, signal: AbortSignal): Promise<Json> {
    return this.#json('POST', '/chat/completions', body, signal);
  }

  /**
   * A streaming chat completion. Resolves once the server answered 200 with an event stream (what
   * fails before is an UpstreamError, retryable per its kind), then yields each `data:` payload until
   * `[DONE]`; the iterable throws when the stream breaks or ends without it. `signal` covers the
   * whole stream.
   */
  chatStream(body: Readonly<Json>, signal: AbortSignal): Promise<AsyncIterable<Json>> {
    return this.stream('/chat/completions', body, signal);
  }

  /** A JSON POST on a path of the API (`/completions`, `/responses`): the server's JSON answer. */
  post(path: string, body: Readonly<Json>, signal: AbortSignal): Promise<Json> {
    return this.#json('POST', path, body, signal);
  }

  /**
   * A streamed POST on a path of the API, as `chatStream`. A stream that ends without `[DONE]` (the
   * Responses API's) is complete when `isLast` said so of a payload.
   */
  async stream(path: string, body: Readonly<Json>, signal: AbortSignal, isLast?: (payload: Json) => boolean): Promise<AsyncIterable<Json>> {
    const response = await this.#send('POST', path, { ...body, stream: true }, signal, 'text/event-stream');
    const type = String(response.headers['content-type'] ?? '');
    if (!type.startsWith('text/event-stream')) {
      response.body.destroy();
      throw new UpstreamError(`upstream answered a stream request with content type '${type}'`, 'protocol');
    }
    return readEventStream(response.body, signal, isLast);
  }

  embeddings(body: Readonly<Json>, signal: AbortSignal): Promise<Json> {
    return this.#json('POST', '/embeddings', body, signal);
  }

  /** The ids `GET {base}/models` lists. */
  async models(signal: AbortSignal): Promise<string[]> {
    const answer = await this.#json('GET', '/models', undefined, signal);
    const data = Array.isArray(answer.data) ? (answer.data as Array<{ id?: unknown }>) : [];
    return data.flatMap((model) => (typeof model?.id === 'string' ? [model.id] : []));
  }

  /** The server's health: `GET {base}/models` answers 2xx. Never throws. */
  async healthy(signal: AbortSignal): Promise<boolean> {
    try {
      const response = await this.#send('GET', '/models', undefined, signal);
      await response.body.dump();
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the pool once its requests finish. */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #json(method: 'GET' | 'POST', path: string, body: Readonly<Json> | undefined, signal: AbortSignal): Promise<Json> {
    const response = await this.#send(method, path, body, signal);
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw toUpstreamError(error, signal);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new UpstreamError(`upstream answer to ${method} ${path} is not JSON`, 'protocol');
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      throw new UpstreamError(`upstream answer to ${method} ${path} is not a JSON object`, 'protocol');
    }
    return answer as Json;
  }

  /** Sends one request; resolves with a 2xx response whose body is still to read, throws for anything else. */
  async #send(method: 'GET' | 'POST', path: string, body: Readonly<Json> | undefined, signal: AbortSignal,
    accept?: string): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { ...this.#headers, ...(accept ? { accept } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
    injectTraceContext(headers);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#pool.request({
        method, path: `${this.#prefix}${path}${this.#query}`, headers, signal,
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw toUpstreamError(error, signal);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const text = await response.body.text().catch(() => '');
    if (signal.aborted) throw signal.reason;
    throw this.#refusal(response.statusCode, response.headers, text);
  }

  /**
   * The error of a non-2xx answer, with the upstream's own OpenAI error kept for the client. A
   * refusal of umbral's credentials (401, 403, 407) is umbral's configuration, not the client's
   * request: its text (OpenAI's names part of the key) is dropped. The key is never passed on.
   */
  #refusal(status: number, headers: Dispatcher.ResponseData['headers'], text: string): UpstreamError {
    const credentials = status === 401 || status === 403 || status === 407;
    const shown = credentials ? '' : this.#redact(text);
    return new OpenAiRefusal(statusError(status, headers, shown), new UpstreamOpenAiError(status, readOpenAiError(shown)));
  }

  #redact(text: string): string {
    return this.#apiKey ? text.replaceAll(this.#apiKey, '[redacted]') : text;
  }
}
