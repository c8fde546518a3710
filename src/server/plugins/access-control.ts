import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import { rateLimitHeaders } from '../../access/rate-limit/rate-limiter.js';
import { grantAccess, type AccessCheckOptions } from '../grant-access.js';

export type { Admission, RequestLimiter } from '../grant-access.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (docs/guides/access-control.md, "Roles and permissions"); every route must say. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who is calling; null on public routes. */
    principal: Principal | null;
  }
}

/** One route and what it needs: the table the permission-matrix test walks. */
export interface RouteAccessEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

export interface AccessControlOptions extends AccessCheckOptions {
  /** Filled with every route as it is registered. */
  readonly routes: RouteAccessEntry[];
}

/** Routes that plugins register (the OpenAPI document and its UI, CORS preflight) describe the API, nothing more. */
const PLUGIN_ROUTES = /^\/docs(\/|$)/;

/**
 * Authentication, authorization and rate limits, in `onRequest`: before the body is read, so an
 * unauthenticated client cannot make the server parse megabytes. A route registered without
 * `config.access` fails the start, so no route is ever public by omission.
 */
export function registerAccessControl(app: FastifyInstance, options: AccessControlOptions): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const pluginRoute = PLUGIN_ROUTES.test(route.url) || route.method === 'OPTIONS';
    const access = route.config?.access ?? (pluginRoute ? 'public' : undefined);
    if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    route.config = { ...route.config, access };
    for (const method of [route.method].flat()) options.routes.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (request, reply) => {
    // Unmatched routes (404) have no config: they reveal nothing and need nothing.
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const model = (request.params as { model?: unknown } | undefined)?.model;
    const caller = { credentials: request.headers, address: request.ip, model: typeof model === 'string' ? model : undefined };
    try {
      const grant = await grantAccess(options, access, caller);
      request.principal = grant.principal;
      if (grant.admission) {
        const { admission } = grant;
        reply.headers(admission.headers);
        // 'close' fires however the exchange ends: answered, failed or abandoned by the client.
        reply.raw.once('close', () => admission.release());
      }
    } catch (error) {
      reply.headers(rateLimitHeaders(error) ?? {});
      throw error;
    }
  });
}
