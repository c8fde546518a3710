import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';

/** Socket-level failures: the server cannot be reached or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

/**
 * SQLSTATEs that mean "no usable connection", not "this statement is wrong": class 08 (connection
 * exception), 57P01-57P03 (server shutting down or starting), 53300 (too many connections), 57014
 * (a statement cancelled by `statement_timeout`: the server is too slow or blocked to answer now).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const UNAVAILABLE_STATES = /^(08...|57P0[1-3]|53300|57014)$/;

/** node-postgres reports these as plain Errors with no code ('Query read timeout': no answer within query_timeout). */
const DRIVER_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|Query read timeout/;

/** Whether `error` says the database could not be reached, rather than that a statement failed. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
  return DRIVER_MESSAGES.test(error.message);
}

/**
 * Connection failures become UMBRAL_ERR_STORE_UNAVAILABLE (503, retryable); SQL errors pass
 * through unchanged, keeping their SQLSTATE `code` (23505 unique violation, …) for callers to map.
 */
export function toStoreError(error: unknown): unknown {
  if (isUmbralError(error) || !isConnectionError(error)) return error;
  // The detail reaches clients (the error is exposed): a socket error's message names the
  // server's address, so only its code is kept; SQLSTATE and driver messages name nothing.
  const { code, message } = error as Error & { code?: string };
  const detail = code === undefined ? message : NETWORK_CODES.has(code) ? code : `${code} ${message}`;
  return Errors.storeUnavailable(detail);
}
