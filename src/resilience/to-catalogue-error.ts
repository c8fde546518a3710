import { BrokenCircuitError } from 'cockatiel';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../errors/umbral-error.js';
import { isUpstreamError } from './upstream-error.js';

/**
 * The catalogue error a caller gets for a remote model's last failure: the upstream's 429 as ours
 * (with its Retry-After), its 400/413/422 as a refusal of the request (with its message), another
 * 4xx or a broken answer as 502 (umbral's configuration or the server is wrong, not the request),
 * and anything that says the servers cannot answer now as 503.
 */
export function toCatalogueError(model: string, error: unknown): UmbralError {
  if (isUmbralError(error)) return error;
  if (error instanceof BrokenCircuitError) return Errors.circuitOpen(model, 1);
  // Not an upstream's answer but a defect of ours: its text stays in the log, never in the answer.
  if (!isUpstreamError(error)) return Errors.backendFailed(model, String((error as Error)?.message ?? error));
  const status = error.details.status;
  if (status === 429) return Errors.upstreamRateLimited(model, Math.max(1, Math.ceil((error.details.retryAfterMs ?? 1000) / 1000)));
  const message = error.details.upstreamMessage ?? error.message;
  // The request's own fault; a 401, 403 or 404 is umbral's configuration (key, model name), not the client's.
  if (error.failure === 'status' && (status === 400 || status === 413 || status === 422)) return Errors.upstreamRejected(model, message);
  if (error.failure === 'status' && status !== undefined && status < 500) return Errors.upstreamFailed(model, `upstream answered ${status}: ${message}`);
  if (error.failure === 'protocol') return Errors.upstreamFailed(model, error.message);
  return Errors.upstreamUnavailable(model, error.message);
}
