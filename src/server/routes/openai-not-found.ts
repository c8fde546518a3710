import type { FastifyInstance, RouteOptions } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { sendOpenAiError } from './openai-render-error.js';

interface KnownRoute {
  readonly pattern: RegExp;
  readonly methods: readonly string[];
}

/**
 * The 404 and 405 answers under `/v1`, in OpenAI's shape like every other `/v1` answer (the
 * server's own not-found handler answers the Open Inference Protocol's). A path that a route
 * serves with other methods is a 405 with `Allow`. Call before declaring the routes: it learns
 * them from the `onRoute` hook of `app` (their plugin), so the list cannot fall behind.
 */
export async function openAiNotFound(app: FastifyInstance, prefix: string): Promise<void> {
  const known: KnownRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith(prefix)) return;
    const methods = [route.method].flat();
    const pattern = toPattern(route.url);
    const same = known.find((entry) => entry.pattern.source === pattern.source);
    if (same) known[known.indexOf(same)] = { pattern, methods: [...same.methods, ...methods] };
    else known.push({ pattern, methods });
  });
  await app.register(async (scope) => {
    scope.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const allowed = known.filter((entry) => entry.pattern.test(path)).flatMap((entry) => entry.methods);
      if (allowed.length === 0) return sendOpenAiError(Errors.routeNotFound(request.method, path), request, reply);
      reply.header('allow', [...new Set(allowed)].join(', '));
      return sendOpenAiError(Errors.methodNotAllowed(request.method, path, allowed), request, reply);
    });
  }, { prefix });
}

/** `/v1/models/:model` → `^/v1/models/[^/]+$` (fastify's path parameters; no wildcards under /v1). */
function toPattern(url: string): RegExp {
  const source = url.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${source}/?$`);
}
