/**
 * The one error type core code throws. Route handlers render it in their protocol's shape; a 5xx
 * never carries internals to the client (only `exposed` errors show their message).
 */
export class UmbralError extends Error {
  constructor(
    /** Stable code from the catalogue (`UMBRAL_ERR_…`). */
    readonly code: string,
    message: string,
    /** HTTP status the protocols map this error to. */
    readonly status: number,
    /** Whether the same request may succeed if sent again later. */
    readonly retryable: boolean,
    /** Whether the message may be shown to the client; otherwise only the request id is. */
    readonly exposed: boolean,
    /** Seconds a client should wait before retrying (rendered as `Retry-After`). */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions & { details?: Readonly<Record<string, unknown>> },
  ) {
    super(message, options);
    this.name = 'UmbralError';
    this.details = options?.details;
  }

  /** Structured facts the answer carries beside the message (`details`), exposed errors only: a promotion gate's report. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

/** The same error with `details` for its answer. */
export function withDetails(error: UmbralError, details: Readonly<Record<string, unknown>>): UmbralError {
  return new UmbralError(error.code, error.message, error.status, error.retryable, error.exposed, error.retryAfterSeconds, { cause: error.cause, details });
}

export function isUmbralError(value: unknown): value is UmbralError {
  return value instanceof UmbralError;
}
