import { request } from 'undici';
import { DeliveryFailure } from './channel-driver.js';

/** Answers worth trying again: timeouts, rate limits and the server's own trouble. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_ERROR_TEXT = 300;

/** What a receiver answered with a 2xx. */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * POSTs a JSON body within `timeoutMs` (connection, headers and body together). A 2xx resolves;
 * anything else throws a DeliveryFailure that says whether to try again and, for 429/503, when
 * (Retry-After in seconds, or Telegram's `parameters.retry_after`).
 */
export async function postJson(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<HttpAnswer> {
  let status: number;
  let text: string;
  let retryAfter: string | string[] | undefined;
  try {
    const response = await request(url, {
      method: 'POST', body, signal: AbortSignal.timeout(timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      headers: { 'content-type': 'application/json', 'user-agent': 'umbral-notifications', ...headers },
    });
    status = response.statusCode;
    retryAfter = response.headers['retry-after'];
    text = await response.body.text();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    throw new DeliveryFailure(`no answer: ${typeof code === 'string' ? `${code} ` : ''}${typeof message === 'string' ? message : String(error)}`.trim(), true);
  }
  if (status >= 200 && status <= 299) return { status, text };
  throw new DeliveryFailure(`answered ${status}: ${text.slice(0, MAX_ERROR_TEXT)}`.trimEnd(), RETRYABLE.has(status), retryAfterMs(retryAfter, text));
}

function retryAfterMs(header: string | string[] | undefined, text: string): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d+$/.test(value.trim())) return Number(value) * 1000;
  const match = /"retry_after"\s*:\s*(\d+(?:\.\d+)?)/.exec(text);
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

/** Problems of a URL a channel posts to: it must be absolute http(s). */
export function httpUrlProblems(what: string, url: unknown): string[] {
  if (typeof url !== 'string' || url === '') return [`${what}: required, an http(s) URL`];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${what}: not a URL; give an absolute http(s) URL`];
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? [] : [`${what}: must be an http(s) URL, got a ${parsed.protocol} URL`];
}
