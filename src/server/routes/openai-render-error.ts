import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import { isProtocolError } from '../../protocol/kserve/protocol-error.js';
import { openAiError, openAiStatus } from '../../protocol/openai/openai-error.js';
import { toUmbralError } from '../plugins/render-error.js';

/**
 * The answers of an upstream after umbral's own resilience policy ran on it (retries, breaker,
 * deadline, fallback chain): final. OpenAI's SDKs retry 408, 409, 429 and 5xx twice by default
 * unless told `x-should-retry: false`; each of their retries would run umbral's whole policy again.
 */
const FINAL_CODES: ReadonlySet<string> = new Set([
  Errors.upstreamRejected.code, Errors.upstreamRateLimited.code, Errors.upstreamUnavailable.code,
  Errors.upstreamFailed.code, Errors.deadlineExceeded.code,
]);

/**
 * The error handler of the OpenAI routes: the catalogue's status and code (an upstream's refusal
 * keeps the upstream's status and fields), the body in OpenAI's shape so that OpenAI SDKs raise
 * their typed errors. Retry advice: an upstream failure umbral already handled says
 * `x-should-retry: false` and no Retry-After; umbral's own refusals (rate limit, admission) keep
 * their Retry-After. A 5xx that is not exposed shows only the request id; the cause goes to the log.
 */
export function renderOpenAiError(error: unknown, request: FastifyRequest, reply: FastifyReply, bodyLimit: number): FastifyReply {
  const umbral = toUmbralError(error, bodyLimit);
  const param = badField(error, umbral);
  logHidden(umbral, request);
  if (FINAL_CODES.has(umbral.code)) reply.header('x-should-retry', 'false');
  else if (umbral.retryAfterSeconds !== undefined) reply.header('retry-after', String(umbral.retryAfterSeconds));
  return sendOpenAiError(umbral, request, reply, param);
}

/** Sends `error` in OpenAI's shape, with our code in `x-umbral-error-code`. */
export function sendOpenAiError(error: UmbralError, request: FastifyRequest, reply: FastifyReply, param: string | null = null): FastifyReply {
  reply.header('x-umbral-error-code', error.code);
  reply.header('x-request-id', request.id);
  return reply.code(openAiStatus(error)).type('application/json').send(openAiError(error, request.id, param));
}

/** The catalogue error a failure after the stream started stands for (anything unknown is internal). */
export function streamFailure(error: unknown, request: FastifyRequest): UmbralError {
  const umbral = isUmbralError(error) ? error : Errors.internal(error instanceof Error ? error.message : String(error));
  logHidden(umbral, request);
  return umbral;
}

/**
 * OpenAI's `param`: the field an invalid request got wrong. The codecs name it; an
 * UMBRAL_ERR_INVALID_REQUEST thrown elsewhere carries it as the catalogue writes it, `<path>: <problem>`.
 */
function badField(error: unknown, umbral: UmbralError): string | null {
  if (isProtocolError(error)) return error.kind === 'invalid_request' ? error.args[0] : null;
  if (umbral.code !== Errors.invalidRequest.code) return null;
  const colon = umbral.message.indexOf(': ');
  return colon > 0 ? umbral.message.slice(0, colon) : null;
}

function logHidden(error: UmbralError, request: FastifyRequest): void {
  if (error.status >= 500 && !error.exposed) request.log.error({ err: error, code: error.code }, 'request failed');
}
