import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityHeadersOptions {
  /** Origins allowed to call from a browser; empty = no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Whether allowed origins may send credentials (never together with `*`: the config refuses it). */
  readonly corsCredentials: boolean;
}

/**
 * Security headers on every answer (helmet: nosniff, frame denial, HSTS, no referrer, a CSP that
 * lets a JSON API load nothing) and CORS for an allow-list of origins. The docs page gets the CSP
 * its own scripts and styles need, nothing more.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeadersOptions): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  if (options.corsOrigins.length === 0) return;
  const any = options.corsOrigins.includes('*');
  await app.register(cors, {
    origin: any ? '*' : [...options.corsOrigins],
    credentials: options.corsCredentials,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'X-Umbral-Error-Code', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy'],
    maxAge: 600,
  });
}
