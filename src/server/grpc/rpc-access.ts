import type { Metadata } from '@grpc/grpc-js';
import type { Authenticator, CredentialHeaders } from '../../access/authenticator.js';
import { PERMISSIONS, type RouteAccess } from '../../access/permissions.js';
import { anonymousPrincipal, type Principal } from '../../access/principal.js';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Admission, RequestLimiter } from '../plugins/access-control.js';

/** What access control of RPCs is made of: the HTTP side's parts (plugins/access-control.ts). */
export interface RpcAccessOptions {
  /** false (development): every caller is anonymous with every permission; limits still apply. */
  readonly enforced: boolean;
  readonly authenticator: Authenticator;
  readonly limiter: RequestLimiter;
  readonly metrics: Metrics;
}

/** Who is calling and, for inference, the rate-limit slot to release when the call ends. */
export interface Grant {
  /** null on public RPCs. */
  readonly principal: Principal | null;
  readonly admission?: Admission;
}

export interface RpcCaller {
  /** The call's metadata: `authorization` or `x-api-key`, as the HTTP headers of the same names. */
  readonly metadata: Metadata;
  /** The client's address (grpc-js `getPeer()`: `host:port`). */
  readonly peer: string;
  /** The model the call is about, for the key's allow-list and the model's limits; undefined when none. */
  readonly model: string | undefined;
}

const EVERYTHING = new Set(PERMISSIONS);

/**
 * The HTTP routes' rules (README "Roles and permissions") applied to one RPC: authentication,
 * the permission, the model allow-list, then for `infer` the rate limits. Throws 401, 403, 429 (or
 * 503 when limits cannot be checked), counted in the same metrics as HTTP refusals.
 */
export async function grantAccess(options: RpcAccessOptions, access: RouteAccess, caller: RpcCaller): Promise<Grant> {
  if (access === 'public') return { principal: null };
  try {
    const principal = await identify(options, caller);
    if (access !== 'authenticated' && !principal.permissions.has(access)) throw Errors.forbidden(access);
    if (caller.model !== undefined && principal.models && !principal.models.includes(caller.model)) {
      throw Errors.modelNotAllowed(caller.model);
    }
    if (access !== 'infer') return { principal };
    const admission = await options.limiter.admit(principal, caller.model);
    if (admission.bypassed) options.metrics.rateLimitBypassed.inc();
    return { principal, admission };
  } catch (error) {
    if (isUmbralError(error) && (error.status === 401 || error.status === 403)) options.metrics.authFailures.inc({ reason: error.code });
    if (isUmbralError(error) && error.status === 429) options.metrics.rateLimited.inc();
    throw error;
  }
}

async function identify(options: RpcAccessOptions, caller: RpcCaller): Promise<Principal> {
  if (!options.enforced) return anonymousPrincipal(peerAddress(caller.peer), EVERYTHING);
  const principal = await options.authenticator.authenticate(credentials(caller.metadata));
  if (!principal) throw Errors.unauthenticated('this RPC needs a credential in its metadata');
  return principal;
}

function credentials(metadata: Metadata): CredentialHeaders {
  return { authorization: single(metadata, 'authorization'), 'x-api-key': single(metadata, 'x-api-key') };
}

/** One value, or all of them so that the authenticator refuses a credential sent twice. */
function single(metadata: Metadata, key: string): string | string[] | undefined {
  const values = metadata.get(key).map(String);
  return values.length <= 1 ? values[0] : values;
}

/** `127.0.0.1:5000` → `127.0.0.1`, `::1:5000` and `[::1]:5000` → `::1`: the address keys anonymous limits. */
export function peerAddress(peer: string): string {
  return peer.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}
