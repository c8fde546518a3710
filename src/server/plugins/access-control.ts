import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../access/authenticator.js';
import { PERMISSIONS, type RouteAccess } from '../../access/permissions.js';
import { anonymousPrincipal, type Principal } from '../../access/principal.js';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import { rateLimitHeaders } from '../../access/rate-limit/rate-limiter.js';
import type { Metrics } from '../../observability/metrics.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (README: "Roles and permissions"); every route must say. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who is calling; null on public routes. */
    principal: Principal | null;
  }
}

/** Admission of one data-plane request by the rate limits: headers to send, and a slot to free. */
export interface Admission {
  readonly headers: Readonly<Record<string, string>>;
  /** No counter was consulted: the store is down and the policy is to fail open. */
  readonly bypassed: boolean;
  release(): void;
}

/** Applies rate limits; throws a 429 (headers attached) or a 503 when the limits cannot be checked. */
export interface RequestLimiter {
  admit(principal: Principal, model: string | undefined): Promise<Admission>;
}

/** One route and what it needs: the table the permission-matrix test walks. */
export interface RouteAccessEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

export interface AccessControlOptions {
  /** false (development): every caller is anonymous with every permission; limits still apply. */
  readonly enforced: boolean;
  readonly authenticator: Authenticator;
  readonly limiter: RequestLimiter;
  readonly metrics: Metrics;
  /** Filled with every route as it is registered. */
  readonly routes: RouteAccessEntry[];
}

/** Routes that plugins register (the OpenAPI document and its UI, CORS preflight) describe the API, nothing more. */
const PLUGIN_ROUTES = /^\/docs(\/|$)/;
const EVERYTHING = new Set(PERMISSIONS);

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
    try {
      const principal = await identify(request, options);
      request.principal = principal;
      authorize(principal, access, request);
      if (access === 'infer') await admit(principal, request, reply, options);
    } catch (error) {
      if (isUmbralError(error) && (error.status === 401 || error.status === 403)) options.metrics.authFailures.inc({ reason: error.code });
      if (isUmbralError(error) && error.status === 429) {
        options.metrics.rateLimited.inc();
        reply.headers(rateLimitHeaders(error) ?? {});
      }
      throw error;
    }
  });
}

async function identify(request: FastifyRequest, options: AccessControlOptions): Promise<Principal> {
  if (!options.enforced) return anonymousPrincipal(request.ip, EVERYTHING);
  const principal = await options.authenticator.authenticate(request.headers);
  if (!principal) throw Errors.unauthenticated('this route needs a credential');
  return principal;
}

function authorize(principal: Principal, access: Exclude<RouteAccess, 'public'>, request: FastifyRequest): void {
  if (access !== 'authenticated' && !principal.permissions.has(access)) throw Errors.forbidden(access);
  const model = (request.params as { model?: unknown } | undefined)?.model;
  if (typeof model === 'string' && principal.models && !principal.models.includes(model)) throw Errors.modelNotAllowed(model);
}

async function admit(principal: Principal, request: FastifyRequest, reply: FastifyReply, options: AccessControlOptions): Promise<void> {
  const model = (request.params as { model?: unknown } | undefined)?.model;
  const admission = await options.limiter.admit(principal, typeof model === 'string' ? model : undefined);
  if (admission.bypassed) options.metrics.rateLimitBypassed.inc();
  reply.headers(admission.headers);
  // 'close' fires however the exchange ends: answered, failed or abandoned by the client.
  reply.raw.once('close', () => admission.release());
}
