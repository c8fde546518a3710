import { status } from '@grpc/grpc-js';

/**
 * Why a fault upstream refuses a request (not an injected fault), with the HTTP status and gRPC code
 * Triton answers for it:
 * - `invalid`: the request cannot be served as sent (400, INVALID_ARGUMENT);
 * - `not_found`: no such model or version (404, NOT_FOUND);
 * - `unavailable`: the model exists but is not loaded (400, UNAVAILABLE).
 */
export type UpstreamErrorKind = 'invalid' | 'not_found' | 'unavailable';

const HTTP_STATUS: Record<UpstreamErrorKind, number> = { invalid: 400, not_found: 404, unavailable: 400 };
const GRPC_CODE: Record<UpstreamErrorKind, status> = { invalid: status.INVALID_ARGUMENT, not_found: status.NOT_FOUND, unavailable: status.UNAVAILABLE };

/** A refusal of the upstream; the transports render it as `{"error": message}` or a gRPC status. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /** The HTTP status to answer. */
  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }

  /** The gRPC status code to answer. */
  get grpcCode(): status {
    return GRPC_CODE[this.kind];
  }
}
