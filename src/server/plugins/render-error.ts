import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import { ProtocolError } from '../../protocol/kserve/protocol-error.js';
import { protocolErrorToUmbral } from '../protocol-error-to-umbral.js';

/** The longest path parameter the router takes (find-my-way's `maxParamLength`); longer is a 414. */
export const MAX_PARAM_LENGTH = 2048;

/** Fastify's own errors that are the client's fault, mapped to the catalogue. */
function fromFastify(error: { code?: string; message: string; statusCode?: number }, bodyLimit: number): UmbralError | undefined {
  switch (error.code) {
    // The router's own refusals (Fastify's frameworkErrors): they reach no route and no hook.
    case 'FST_ERR_BAD_URL': return Errors.invalidRequest('url', 'is not valid percent-encoded UTF-8; encode each byte of a UTF-8 character as %XX');
    case 'FST_ERR_MAX_PARAM_LENGTH': return Errors.urlTooLong(MAX_PARAM_LENGTH);
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return Errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return Errors.unsupportedMediaType('unknown');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return Errors.invalidJson('the body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return Errors.invalidRequest('content-length', 'does not match the body');
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return Errors.invalidRequest('request', error.message);
      }
      return undefined;
  }
}

/** Turns anything thrown into a catalogue error. Unknown errors become 500 and are logged. */
export function toUmbralError(error: unknown, bodyLimit: number): UmbralError {
  if (isUmbralError(error)) return error;
  if (error instanceof ProtocolError) return protocolErrorToUmbral(error);
  if (error instanceof Error) return fromFastify(error, bodyLimit) ?? Errors.internal(error.message);
  return Errors.internal(String(error));
}

/**
 * Renders an error in the Open Inference Protocol's shape, `{"error": "<message>"}`, with our code
 * (and an exposed error's `details`) beside it. A 5xx shows only the request id, never internals; the log line has the cause.
 */
export function renderError(error: UmbralError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.status >= 500 && !error.exposed) request.log.error({ err: error, code: error.code }, 'request failed');
  const message = error.exposed ? error.message : `internal error; quote request id ${request.id} to the operator`;
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  reply.header('x-umbral-error-code', error.code);
  const details = error.exposed && error.details !== undefined ? { details: error.details } : {};
  return reply.code(error.status).type('application/json').send({ error: message, code: error.code, ...details });
}
