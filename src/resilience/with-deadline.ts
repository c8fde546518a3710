import { Errors } from '../errors/catalogue.js';

/**
 * Runs `work` with a signal that fires when the caller's signal does or when `ms` have passed, and
 * maps the abort to the catalogue: UMBRAL_ERR_DEADLINE_EXCEEDED or UMBRAL_ERR_CANCELLED. One
 * controller and one timer: AbortSignal.timeout with AbortSignal.any costs about five times as much
 * per request on Node 20, which shows on the hot path.
 */
export async function withDeadline<T>(caller: AbortSignal, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (caller.aborted) throw Errors.cancelled();
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(Errors.deadlineExceeded(ms));
  }, ms);
  const onAbort = () => controller.abort(Errors.cancelled());
  caller.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(controller.signal);
  } catch (error) {
    if (expired) throw Errors.deadlineExceeded(ms);
    if (caller.aborted) throw Errors.cancelled();
    throw error;
  } finally {
    clearTimeout(timer);
    caller.removeEventListener('abort', onAbort);
  }
}
