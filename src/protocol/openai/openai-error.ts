/**
 * What an error needs to be rendered in OpenAI's shape: an UmbralError fits (`protocol/` imports
 * nothing outside itself, so the type is structural).
 */
export interface RenderableError {
  /** Our stable code (`UMBRAL_ERR_…`): OpenAI's `code`. */
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** Whether the message may be shown; a 5xx that is not says only the request id. */
  readonly exposed: boolean;
}

/** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: 'invalid_request_error' | 'rate_limit_error' | 'server_error';
    readonly param: string | null;
    readonly code: string;
  };
}

/**
 * Renders an error as OpenAI-compatible clients expect it, so that their SDKs raise their own typed
 * errors (BadRequestError, RateLimitError, InternalServerError). `param` names the bad field of a 400
 * when it is known.
 */
export function openAiError(error: RenderableError, requestId: string, param: string | null = null): OpenAiErrorBody {
  const hidden = error.status >= 500 && !error.exposed;
  return {
    error: {
      message: hidden ? `internal error, request id ${requestId}` : error.message,
      type: errorType(error.status),
      param: hidden ? null : param,
      code: error.code,
    },
  };
}

function errorType(status: number): OpenAiErrorBody['error']['type'] {
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}
