import type { Authenticator, CredentialHeaders } from '../access/authenticator.js';
import { PERMISSIONS, type RouteAccess } from '../access/permissions.js';
import { anonymousPrincipal, type Principal } from '../access/principal.js';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import type { Metrics } from '../observability/metrics.js';

/** Admission of one data-plane request by the rate limits: headers to send, and a slot to free. */
export interface Admission {
  readonly headers: Readonly<Record<string, string>>;
  /** No counter was consulted: the store is down and the policy is to fail open. */
  readonly bypassed: boolean;
  release(): void;
}

/**
 * Applies the caller's own rate limits; throws a 429 (headers attached) or a 503 when the limits
 * cannot be checked. A model's own limits are the data plane's to apply, once it knows the model.
 */
export interface RequestLimiter {
  admit(principal: Principal): Promise<Admission>;
}

/** What access checks are made of, whatever the transport. */
export interface AccessCheckOptions {
  /** false (development): every caller is anonymous with every permission; limits still apply. */
  readonly enforced: boolean;
  readonly authenticator: Authenticator;
  readonly limiter: RequestLimiter;
  readonly metrics: Metrics;
}

/** One request as access control sees it, from HTTP headers or gRPC metadata. */
export interface Caller {
  readonly credentials: CredentialHeaders;
  /** The client's address: it keys the limits of anonymous callers. */
  readonly address: string;
  /** The model the request is about (its allow-list); undefined when none. */
  readonly model: string | undefined;
}

/** Who is calling and, for inference, the rate-limit slot to release when the request ends. */
export interface Grant {
  /** null on public routes. */
  readonly principal: Principal | null;
  readonly admission?: Admission;
}

const EVERYTHING = new Set(PERMISSIONS);

/**
 * The rules of docs/guides/access-control.md ("Roles and permissions"), for HTTP routes and RPCs
 * alike: authentication, the permission, the model allow-list, then for `infer` the rate limits.
 * Throws 401, 403, 429 (or 503 when limits cannot be checked), counted in the refusal metrics.
 */
export async function grantAccess(options: AccessCheckOptions, access: RouteAccess, caller: Caller): Promise<Grant> {
  if (access === 'public') return { principal: null };
  try {
    const principal = await identify(options, caller);
    if (access !== 'authenticated' && !principal.permissions.has(access)) throw Errors.forbidden(access);
    if (caller.model !== undefined && principal.models && !principal.models.includes(caller.model)) {
      throw Errors.modelNotAllowed(caller.model);
    }
    if (access !== 'infer') return { principal };
    const admission = await options.limiter.admit(principal);
    if (admission.bypassed) options.metrics.rateLimitBypassed.inc();
    return { principal, admission };
  } catch (error) {
    if (isUmbralError(error) && (error.status === 401 || error.status === 403)) options.metrics.authFailures.inc({ reason: error.code });
    if (isUmbralError(error) && error.status === 429) options.metrics.rateLimited.inc();
    throw error;
  }
}

async function identify(options: AccessCheckOptions, caller: Caller): Promise<Principal> {
  if (!options.enforced) return anonymousPrincipal(caller.address, EVERYTHING);
  const principal = await options.authenticator.authenticate(caller.credentials);
  if (!principal) throw Errors.unauthenticated('this route needs a credential');
  return principal;
}
