import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../lifecycle.js';

/**
 * When an answer ends its connection (`Connection: close`):
 * - an answer sent before the request's body was read (a 401, 403, 429 or 413 decided from the
 *   headers): the rest of the body is not worth reading, and a client that sends it a byte at a time
 *   would otherwise hold the socket for as long as it likes;
 * - every answer once a stop was asked: clients reconnect, through their load balancer, to a replica
 *   that stays, and no kept-alive socket is left for the drain to cut under a request.
 */
export function registerConnectionPolicy(app: FastifyInstance, lifecycle: Pick<Lifecycle, 'shuttingDown'>): void {
  app.addHook('onSend', (request, reply, _payload, done) => {
    if (lifecycle.shuttingDown || !request.raw.complete) reply.header('connection', 'close');
    done();
  });
}
