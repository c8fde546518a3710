import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { UMBRAL_VERSION } from '../../version.js';

/**
 * The OpenAPI document of every route (`/docs/json`) and a browsable page (`/docs`), generated from
 * the routes' own schemas. Registered before the routes so that it sees them all.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'umbral',
        version: UMBRAL_VERSION,
        description: 'KServe v2 / Open Inference Protocol inference, model registry administration, operations.',
      },
    },
  });
  // staticCSP: the page sends its own CSP (its scripts by hash), replacing the API's 'none'.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
