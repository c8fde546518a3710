import type { FastifyReply } from 'fastify';

/**
 * A signal that fires when the client goes away before the response is written, so that queued work
 * for it is dropped. (The response's `close` event also fires after a normal finish; then
 * `writableFinished` is true and nothing is aborted.)
 */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}
