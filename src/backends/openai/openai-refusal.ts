import { Errors } from '../../errors/catalogue.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import type { UpstreamOpenAiError } from '../../protocol/openai/openai-error.js';
import { UpstreamError } from '../../resilience/upstream-error.js';

/** An upstream's non-2xx answer, classified like any (status, Retry-After), with what it said in OpenAI's shape. */
export class OpenAiRefusal extends UpstreamError {
  constructor(base: UpstreamError, readonly answer: UpstreamOpenAiError) {
    super(base.message, base.failure, base.details);
    this.name = 'OpenAiRefusal';
  }
}

/** The catalogue errors the server group makes of an upstream's status answer. */
const FROM_STATUS: ReadonlySet<string> = new Set([
  Errors.upstreamRejected.code, Errors.upstreamRateLimited.code, Errors.upstreamFailed.code, Errors.upstreamUnavailable.code,
]);

/**
 * `call` through the server group (`run` wraps each attempt), and when the group's final error
 * stands for the last attempt's 4xx refusal, that error with the upstream's own answer as its
 * `cause`: the OpenAI routes then answer the upstream's status, message, type, param and code,
 * after umbral's policy (retries, breaker) has run. A 5xx keeps umbral's own answer (its text may
 * hold the upstream's internals), and so does a refusal of umbral's own credentials (401, 403, 407).
 */
export async function keepingRefusal<T>(call: (run: <R>(attempt: Promise<R>) => Promise<R>) => Promise<T>): Promise<T> {
  let last: UpstreamOpenAiError | undefined;
  const run = async <R>(attempt: Promise<R>): Promise<R> => {
    try {
      return await attempt;
    } catch (error) {
      last = error instanceof OpenAiRefusal ? error.answer : undefined;
      throw error;
    }
  };
  try {
    return await call(run);
  } catch (error) {
    if (last && passedOn(last.status) && isUmbralError(error) && FROM_STATUS.has(error.code) && error.cause === undefined) {
      // The group made this error for this call alone: annotating it changes no one else's.
      error.cause = last;
    }
    throw error;
  }
}

function passedOn(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 407;
}
