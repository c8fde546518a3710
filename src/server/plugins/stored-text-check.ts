import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
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
 * Refuses a JSON body holding text PostgreSQL cannot store (NUL, an unpaired surrogate), with a 400
 * naming the field, on every route but those carrying model data: one check for every string of
 * the admin and account APIs instead of one per field. Added to each route as it is registered
 * (register this before the routes), so the data plane pays nothing for it.
 */
export function registerStoredTextCheck(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.modelData === true) return;
    route.preValidation = [...[route.preValidation ?? []].flat(), refuseUnstorableText];
  });
}

const refuseUnstorableText: preValidationHookHandler = (request, _reply, done) => {
  const found = findUnstorableText(request.body, 'body');
  done(found ? Errors.invalidRequest(found.path, found.problem) : undefined);
};
