import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import { isProtocolError } from '../../protocol/kserve/protocol-error.js';
import { openAiError } from '../../protocol/openai/openai-error.js';
import { toUmbralError } from '../plugins/render-error.js';

/**
 * The error handler of the OpenAI routes: the catalogue's status, code and Retry-After, the body in
 * OpenAI's shape so that OpenAI SDKs raise their typed errors. A 5xx that is not exposed shows only
 * the request id; the cause goes to the log.
 */
export function renderOpenAiError(error: unknown, request: FastifyRequest, reply: FastifyReply, bodyLimit: number): FastifyReply {
  const umbral = toUmbralError(error, bodyLimit);
  const param = badField(error, umbral);
  logHidden(umbral, request);
  if (umbral.retryAfterSeconds !== undefined) reply.header('retry-after', String(umbral.retryAfterSeconds));
  reply.header('x-umbral-error-code', umbral.code);
  reply.header('x-request-id', request.id);
  return reply.code(umbral.status).type('application/json').send(openAiError(umbral, request.id, param));
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
