import type { FastifyReply } from 'fastify';
import { Errors } from '../errors/catalogue.js';

/**
 * A signal that fires when the client goes away before the response is written, so that queued work
 * for it is dropped. Its reason is UMBRAL_ERR_CANCELLED (499), so that whatever rethrows it (a
 * stream that had not begun, an upstream call) is answered and logged as the client's leaving, not
 * as an internal error. (The response's `close` event also fires after a normal finish; then
 * `writableFinished` is true and nothing is aborted.)
 */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(Errors.cancelled());
  });
  return controller.signal;
}
