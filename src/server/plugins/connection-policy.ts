import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../lifecycle.js';

/**
 * Refusals of callers who may well send again on the same connection (a rate limit, an overloaded
 * model): their unread body is discarded as it arrives, and the connection is kept for the retry.
 */
const KEEP_CONNECTION = new Set([429, 503]);

/**
 * When an answer ends its connection (`Connection: close`):
 * - an answer sent before the request's body was read (a 401, 403 or 413 decided from the
 *   headers): the rest of the body is not worth reading, and a client that sends it a byte at a time
 *   would otherwise hold the socket for as long as it likes;
 * - every answer once a stop was asked: clients reconnect, through their load balancer, to a replica
 *   that stays, and no kept-alive socket is left for the drain to cut under a request.
 */
export function registerConnectionPolicy(app: FastifyInstance, lifecycle: Pick<Lifecycle, 'shuttingDown'>): void {
  app.addHook('onSend', (request, reply, _payload, done) => {
    if (lifecycle.shuttingDown || (!request.raw.complete && !KEEP_CONNECTION.has(reply.statusCode))) reply.header('connection', 'close');
    done();
  });
}
