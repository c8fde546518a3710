import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { findTooDeep, TOO_DEEP } from '../../protocol/json-depth.js';
import { findUnstorableText } from '../../store/unstorable-text.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The body is data for a model (tensors, prompts): passed on and never stored, so its text is
     * the model's to judge (a BYTES element may hold NUL). Other bodies may reach PostgreSQL.
     */
    modelData?: boolean;
  }
}

/**
 * Refuses a JSON body that PostgreSQL could not store, with a 400 naming the field: text it cannot
 * hold (NUL, an unpaired surrogate), or nesting deeper than serialising it back can take. On every
 * route but those carrying model data: one check for every field of the admin and account APIs
 * instead of one per field. Added to each route as it is registered (register this before the
 * routes), so the data plane pays nothing for it.
 */
export function registerStorableBodyCheck(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.modelData === true) return;
    route.preValidation = [...[route.preValidation ?? []].flat(), refuseUnstorableBody];
  });
}

const refuseUnstorableBody: preValidationHookHandler = (request, _reply, done) => {
  const deep = findTooDeep(request.body, 'body');
  if (deep !== undefined) return done(Errors.invalidRequest(deep, TOO_DEEP));
  const text = findUnstorableText(request.body, 'body');
  done(text ? Errors.invalidRequest(text.path, text.problem) : undefined);
};
