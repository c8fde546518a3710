import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { request, type FormData } from 'undici';
import type { ClientConfig } from '../config/client-config.js';
import { UMBRAL_VERSION } from '../version.js';
import { ClientError } from './client-error.js';

/** Errors that mean no connection was made: the server is down, misnamed or unreachable. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * The server's admin API over HTTP. Every answer other than 2xx throws a ClientError carrying the
 * server's `{"error", "code"}`; a server that cannot be reached throws one saying so.
 */
export class AdminClient {
  constructor(private readonly config: ClientConfig) {}

  /** Sends a request with an optional JSON body; resolves the JSON answer (undefined when empty). */
  json(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return body === undefined
      ? this.send(method, path, {})
      : this.send(method, path, { body: JSON.stringify(body), contentType: 'application/json' });
  }

  /** Sends a text body of `contentType` (JSON lines); resolves the JSON answer. */
  text(method: 'POST' | 'PUT', path: string, body: string, contentType: string): Promise<unknown> {
    return this.send(method, path, { body, contentType });
  }

  /** PATCHes a JSON merge patch (RFC 7396); resolves the JSON answer. */
  mergePatch(path: string, patch: unknown): Promise<unknown> {
    return this.send('PATCH', path, { body: JSON.stringify(patch), contentType: 'application/merge-patch+json' });
  }

  /** POSTs a multipart form (its file parts are streamed as undici reads them). */
  upload(path: string, form: FormData): Promise<unknown> {
    return this.send('POST', path, { body: form });
  }

  /** GETs a streamed answer (`accept`: its media type); resolves the body to read, or throws the server's error. */
  async download(path: string, accept: string): Promise<Readable> {
    const headers: Record<string, string> = { accept, 'user-agent': `umbral-cli/${UMBRAL_VERSION}` };
    if (this.config.apiKey !== undefined) headers.authorization = `Bearer ${this.config.apiKey}`;
    let response;
    try {
      response = await request(`${this.config.url}${path}`, { method: 'GET', headers });
    } catch (error) {
      throw this.transportError(error);
    }
    if (response.statusCode >= 200 && response.statusCode <= 299) return response.body;
    throw serverError(response.statusCode, parseJson(await response.body.text()));
  }

  private async send(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, init: { body?: string | FormData; contentType?: string }): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': `umbral-cli/${UMBRAL_VERSION}` };
    if (init.contentType) headers['content-type'] = init.contentType;
    if (this.config.apiKey !== undefined) headers.authorization = `Bearer ${this.config.apiKey}`;
    let status: number;
    let text: string;
    try {
      // undici's request rather than fetch: fetch refuses the ports browsers block (6000, 10080, …).
      const response = await request(`${this.config.url}${path}`, { method, headers, body: init.body });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw this.transportError(error);
    }
    const parsed = parseJson(text);
    if (status < 200 || status > 299) throw serverError(status, parsed);
    if (parsed === NOT_JSON) throw new ClientError(`the server answered ${method} ${path} with something other than JSON; is ${this.config.url} an umbral server?`, undefined, status);
    return parsed;
  }

  private transportError(error: unknown): ClientError {
    const { code, message: reason } = error as { code?: unknown; message?: unknown };
    // A name that resolves to several addresses fails with an AggregateError that has no message.
    const detail = (typeof reason === 'string' && reason) || (typeof code === 'string' && code) || String(error);
    const message = typeof code === 'string' && CONNECT_ERRORS.has(code)
      ? `cannot reach ${this.config.url}: ${detail}`
      : `the request to ${this.config.url} failed: ${detail}`;
    return new ClientError(message, undefined, undefined, { cause: error });
  }
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function serverError(status: number, body: unknown): ClientError {
  const { error, code } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; code?: unknown };
  if (typeof error === 'string') return new ClientError(error, typeof code === 'string' ? code : undefined, status);
  return new ClientError(`the server answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd(), `HTTP ${status}`, status);
}

/** `/admin/models/<model>/<segments…>`, every part percent-encoded. */
export function modelPath(model: string, ...segments: Array<string | number>): string {
  return ['/admin/models', model, ...segments].map((part, i) => (i === 0 ? part : encodeURIComponent(String(part)))).join('/');
}
