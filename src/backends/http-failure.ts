import { UpstreamError } from '../resilience/upstream-error.js';

/** undici's codes for a server too slow to answer, and for an answer that is not valid HTTP. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const PROTOCOL_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_EXCEEDED_MAX_SIZE']);

/**
 * What a failed HTTP exchange with a remote server (kserve over REST, openai) is, for the resilience layer. An aborted
 * signal wins: the caller gave up (or the deadline passed), which is not the server's failure, so its
 * reason is thrown as it is. UpstreamErrors pass unchanged.
 */
export function toUpstreamError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? String(error);
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return new UpstreamError(`upstream timed out (${code})`, 'timeout', {}, { cause: error });
  if (typeof code === 'string' && (PROTOCOL_CODES.has(code) || code.startsWith('HPE_'))) {
    return new UpstreamError(`upstream answer is not valid HTTP (${message})`, 'protocol', {}, { cause: error });
  }
  // ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, UND_ERR_CONNECT_TIMEOUT, ENOTFOUND…
  return new UpstreamError(`upstream connection failed (${typeof code === 'string' ? code : message})`, 'connect', {}, { cause: error });
}

/** Longest upstream message kept: it may reach the client in a 4xx, and is never a place for a novel. */
const MAX_MESSAGE = 500;

/**
 * The error of a non-2xx answer: its status, its Retry-After and the server's own `error.message`
 * (`{"error": {"message"}}`, OpenAI's shape, or `{"error": "…"}`, the Open Inference Protocol's; plain text as it is).
 */
export function statusError(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, bodyText: string): UpstreamError {
  const upstreamMessage = errorMessage(bodyText);
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return new UpstreamError(`upstream answered ${status}`, 'status', {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(upstreamMessage === undefined ? {} : { upstreamMessage }),
  });
}

function errorMessage(text: string): string | undefined {
  let message: unknown = text.trim();
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    message = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
  } catch {
    // Not JSON: the text itself is the message.
  }
  return typeof message === 'string' && message.length > 0 ? message.slice(0, MAX_MESSAGE) : undefined;
}

/** `Retry-After` as delay seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
