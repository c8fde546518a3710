/**
 * What an error needs to be rendered in OpenAI's shape: an UmbralError fits (`protocol/` imports
 * nothing outside itself, so the type is structural).
 */
export interface RenderableError {
  /** Our stable code (`UMBRAL_ERR_…`): OpenAI's `code`, unless OpenAI has its own for the case. */
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** Whether the message may be shown; a 5xx that is not says only the request id. */
  readonly exposed: boolean;
  /** Set on the error of an upstream's refusal (openai backend): what the upstream itself answered. */
  readonly cause?: unknown;
}

/** OpenAI's `error.type` values (https://platform.openai.com/docs/guides/error-codes). */
export type OpenAiErrorType =
  | 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'rate_limit_error' | 'server_error';

/** The four fields of OpenAI's error object. */
export interface OpenAiErrorFields {
  readonly message: string;
  /** One of OpenAI's types for umbral's own errors; an upstream's type is passed on as it sent it. */
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

/** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
export interface OpenAiErrorBody {
  readonly error: OpenAiErrorFields;
}

/**
 * Our codes for which OpenAI has its own: clients that branch on `code` (`model_not_found`,
 * `rate_limit_exceeded`, `invalid_api_key`) see OpenAI's. The `x-umbral-error-code` header always
 * carries ours.
 */
const OPENAI_CODES: Readonly<Record<string, string>> = {
  UMBRAL_ERR_MODEL_NOT_FOUND: 'model_not_found',
  UMBRAL_ERR_RATE_LIMITED: 'rate_limit_exceeded',
  UMBRAL_ERR_UNAUTHENTICATED: 'invalid_api_key',
  UMBRAL_ERR_TOKEN_INVALID: 'invalid_api_key',
};

/**
 * An error an OpenAI-compatible upstream answered (a 4xx umbral does not retry, or retried in vain),
 * kept as the `cause` of the catalogue error so that the client gets the upstream's own status and
 * fields. `error` is undefined when the body was not OpenAI's shape (a plain `404 Not Found`).
 */
export class UpstreamOpenAiError {
  constructor(readonly status: number, readonly error: OpenAiErrorFields | undefined) {}
}

/** Longest upstream message passed on. */
const MAX_MESSAGE = 500;

/**
 * Reads OpenAI's error object from an upstream's error body; undefined when the body is not
 * `{"error": {"message": "…", …}}`. Only the four fields are kept, as strings or null.
 */
export function readOpenAiError(bodyText: string): OpenAiErrorFields | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { message, type, param, code } = error as Record<string, unknown>;
  if (typeof message !== 'string') return undefined;
  return { message: message.slice(0, MAX_MESSAGE), type: typeof type === 'string' ? type : '', param: text(param), code: text(code) };
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : null;
}

/**
 * Renders an error as OpenAI-compatible clients expect it, so that their SDKs raise their own typed
 * errors (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
 * RateLimitError, InternalServerError). `param` names the bad field of a 400 when it is known. An
 * upstream's refusal (`cause` an UpstreamOpenAiError) keeps the upstream's fields, each one it left
 * empty filled with ours.
 */
export function openAiError(error: RenderableError, requestId: string, param: string | null = null): OpenAiErrorBody {
  const hidden = error.status >= 500 && !error.exposed;
  const upstream = error.cause instanceof UpstreamOpenAiError ? error.cause : undefined;
  const status = upstream?.status ?? error.status;
  const own: OpenAiErrorFields = {
    message: hidden ? `internal error, request id ${requestId}` : error.message,
    type: errorType(status),
    param: hidden ? null : param,
    code: OPENAI_CODES[error.code] ?? error.code,
  };
  const theirs = upstream?.error;
  if (!theirs) return { error: own };
  return { error: { message: theirs.message || own.message, type: theirs.type || own.type, param: theirs.param, code: theirs.code ?? own.code } };
}

/** The status the client gets: an upstream refusal's own, else the catalogue's. */
export function openAiStatus(error: RenderableError): number {
  return error.cause instanceof UpstreamOpenAiError ? error.cause.status : error.status;
}

function errorType(status: number): OpenAiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}
