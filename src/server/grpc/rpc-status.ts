import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { rateLimitHeaders } from '../../access/rate-limit/rate-limiter.js';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import { isProtocolError } from '../../protocol/kserve/protocol-error.js';
import { protocolErrorToUmbral } from '../protocol-error-to-umbral.js';

/**
 * The gRPC status of each catalogue status (https://grpc.github.io/grpc/core/md_doc_statuscodes.html,
 * and the HTTP mapping of google.rpc.Code). 413 is RESOURCE_EXHAUSTED, as grpc-js answers a message
 * above the size limit itself.
 */
const BY_HTTP_STATUS: Readonly<Record<number, status>> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.FAILED_PRECONDITION,
  413: status.RESOURCE_EXHAUSTED,
  422: status.FAILED_PRECONDITION,
  429: status.RESOURCE_EXHAUSTED,
  499: status.CANCELLED,
  501: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
};

/** The gRPC code of a catalogue error; any other 4xx is INVALID_ARGUMENT, any other 5xx INTERNAL. */
export function grpcCodeOf(error: UmbralError): status {
  return BY_HTTP_STATUS[error.status] ?? (error.status < 500 ? status.INVALID_ARGUMENT : status.INTERNAL);
}

/** Anything thrown, as a catalogue error (a codec's ProtocolError is the client's fault; the rest a defect). */
export function toUmbral(error: unknown): UmbralError {
  if (isUmbralError(error)) return error;
  if (isProtocolError(error)) return protocolErrorToUmbral(error);
  return Errors.internal(error instanceof Error ? error.message : String(error));
}

/**
 * The status a failed call ends with. The message is shown only when the error is exposed (a 5xx
 * shows the request id alone); the trailers carry `x-umbral-error-code`, `retry-after` when the error
 * has one, and the rate-limit fields of a 429, names in lower case as gRPC metadata requires.
 */
export function errorStatus(error: UmbralError, requestId: string, trailers: Metadata): Partial<StatusObject> {
  trailers.set('x-umbral-error-code', error.code);
  if (error.retryAfterSeconds !== undefined) trailers.set('retry-after', String(error.retryAfterSeconds));
  setHeaders(trailers, rateLimitHeaders(error) ?? {});
  const details = error.exposed ? error.message : `internal error; quote request id ${requestId} to the operator`;
  return { code: grpcCodeOf(error), details, metadata: trailers };
}

/** HTTP header fields as metadata entries (lower-case names). */
export function setHeaders(metadata: Metadata, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) metadata.set(name.toLowerCase(), value);
}
