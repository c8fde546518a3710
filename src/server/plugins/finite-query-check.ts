import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { Errors } from '../../errors/catalogue.js';

/**
 * Refuses a query parameter that became an infinite number (`?limit=1e400`): Ajv coerces such text
 * to Infinity, takes it for an integer and skips `maximum` for it, so the bounds of a querystring
 * schema do not hold it back and PostgreSQL would get it (a 500). Added, after validation, to each
 * route with a querystring schema (register this before the routes).
 */
export function registerFiniteQueryCheck(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.schema?.querystring === undefined) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), refuseInfiniteQuery];
  });
}

const refuseInfiniteQuery: preHandlerHookHandler = (request, _reply, done) => {
  const infinite = Object.entries(request.query as Record<string, unknown>).find(([, value]) => value === Infinity || value === -Infinity);
  done(infinite ? Errors.invalidRequest(`query parameter '${infinite[0]}'`, 'must be a whole number within the bounds the route documents') : undefined);
};
