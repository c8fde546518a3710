import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { UMBRAL_VERSION } from '../../version.js';
import { SCHEMAS, TAGS } from '../open-api/catalogue.js';
import { documentRoute, finishDocument, SECURITY_SCHEMES } from '../open-api/document-route.js';

/**
 * The OpenAPI document of every route (`/docs/json`, `/docs/yaml`) and a browsable page (`/docs`):
 * the routes' own schemas plus the catalogue in `server/open-api/` (summaries, bodies, answers,
 * errors, security), applied by swagger's `transform`, which changes the document and never the
 * routes. Registered before the routes so that it sees them all.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'umbral',
        version: UMBRAL_VERSION,
        description: 'KServe v2 / Open Inference Protocol (with Triton\'s extensions) and OpenAI-compatible inference, model registry '
          + 'administration, access control, operations. Each operation\'s security is what its route declares; with `auth.mode: off` '
          + '(development) every route is open.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      servers: [{ url: '/', description: 'this server' }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: { schemas: { ...SCHEMAS }, securitySchemes: { ...SECURITY_SCHEMES } },
    },
    transform: ({ schema, url, route }) => documentRoute({ schema, url, route }),
    transformObject: (document) => ('openapiObject' in document ? finishDocument(document.openapiObject) : document.swaggerObject),
  });
  // staticCSP: the page sends its own CSP (its scripts by hash), replacing the API's 'none'.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
