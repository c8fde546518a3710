/**
 * What one attempt against one upstream server failed with, classified for the resilience layer:
 * whether another attempt may succeed (retryable), whether it says the server is unwell (counts
 * against its circuit breaker), and how long the server asked us to wait. Clients (HTTP, gRPC) throw
 * it; the server group turns the last one into a catalogue error for the caller.
 */
export type UpstreamFailure =
  /** No connection, or it was reset before an answer began. Retryable; a breaker failure. */
  | 'connect'
  /** The attempt's own timeout passed. A breaker failure; not retried (the deadline is the caller's). */
  | 'timeout'
  /** The server answered with an error status (HTTP status or gRPC code mapped to HTTP). */
  | 'status'
  /** The answer could not be read (malformed JSON, wrong shape, truncated stream). A breaker failure. */
  | 'protocol';

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly failure: UpstreamFailure,
    readonly details: {
      /** HTTP status (gRPC codes are mapped: UNAVAILABLE 503, RESOURCE_EXHAUSTED 429, INVALID_ARGUMENT 400…). */
      readonly status?: number;
      /** From `Retry-After` (seconds or date) or the gRPC trailer, in milliseconds. */
      readonly retryAfterMs?: number;
      /** The server's own error message, safe to show when the status is a 4xx. */
      readonly upstreamMessage?: string;
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }

  /** Connection errors, 429 and 502/503/504 may succeed on another attempt; nothing else is retried. */
  get retryable(): boolean {
    if (this.failure === 'connect') return true;
    const status = this.details.status;
    return this.failure === 'status' && (status === 429 || status === 502 || status === 503 || status === 504);
  }

  /** Whether this failure says the server is unwell: everything but a 4xx answer. */
  get countsAgainstServer(): boolean {
    const status = this.details.status;
    return !(this.failure === 'status' && status !== undefined && status >= 400 && status < 500);
  }
}

export function isUpstreamError(value: unknown): value is UpstreamError {
  return value instanceof UpstreamError;
}
