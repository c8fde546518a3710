import type { Principal } from '../../access/principal.js';
import { Errors } from '../../errors/catalogue.js';
import { VARIANT_HEADER } from '../../model/traffic-section.js';
import type { DecodedInferRequest } from '../../protocol/kserve/decode-infer-request.js';
import { keySlot } from './key-hash.js';
import type { TrafficPlan, TrafficVariant } from './traffic-plan.js';

/**
 * A request's headers as the transport holds them, read only for a model with a split: HTTP's as
 * Node parses them (lower-case names), or gRPC's metadata (anything with `get(name)` returning its values).
 */
export type RequestHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): ReadonlyArray<string | Uint8Array | Buffer> };

/** The permission an override needs: operators and admins hold it (src/access/permissions.ts). */
const OVERRIDE_PERMISSION = 'admin:write';

/** A header's first value as text; undefined when absent or binary. */
export function headerValue(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers.get === 'function') {
    const value = (headers as { get(name: string): ReadonlyArray<unknown> }).get(name)[0];
    return typeof value === 'string' ? value : undefined;
  }
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * The variant an operator's `x-umbral-variant` header asks for; undefined when there is none or the
 * policy turns overrides off. Throws 403 UMBRAL_ERR_VARIANT_OVERRIDE_FORBIDDEN for a caller that
 * may not choose (it lacks admin:write), 400 UMBRAL_ERR_UNKNOWN_VARIANT for a name not in the split.
 */
export function overriddenVariant(model: string, plan: TrafficPlan, headers: RequestHeaders | undefined,
  principal: Principal | null): TrafficVariant | undefined {
  if (!plan.override) return undefined;
  const asked = headerValue(headers, VARIANT_HEADER);
  if (asked === undefined) return undefined;
  if (!principal?.permissions.has(OVERRIDE_PERMISSION)) throw Errors.variantOverrideForbidden(OVERRIDE_PERMISSION);
  const variant = plan.variants.find((v) => v.name === asked);
  if (!variant) throw Errors.unknownVariant(model, asked, plan.variants.map((v) => v.name));
  return variant;
}

/** Whether the sticky key is in the body, so the request must be decoded before its variant is known. */
export function keyInBody(plan: TrafficPlan): boolean {
  return plan.sticky !== undefined && plan.sticky.from !== 'header';
}

/**
 * The request's sticky key: its header, its request parameter, or the first element of its input
 * tensor, as text; undefined when the plan has none or the request lacks it (a number counts by its
 * decimal form, bytes that are not text do not count).
 */
export function stickyKey(plan: TrafficPlan, headers: RequestHeaders | undefined, decoded: DecodedInferRequest | undefined): string | undefined {
  const sticky = plan.sticky;
  if (sticky === undefined) return undefined;
  if (sticky.from === 'header') return headerValue(headers, sticky.name);
  if (sticky.from === 'parameter') return scalarText(decoded?.parameters[sticky.name]);
  const input = decoded?.inputs.find((tensor) => tensor.name === sticky.name);
  return input === undefined ? undefined : scalarText(input.data[0]);
}

/**
 * The variant of one request: the slot its sticky key hashes to, the same on every replica; without
 * a key, a slot drawn at random. One table lookup.
 */
export function variantFor(plan: TrafficPlan, key: string | undefined, random: () => number): TrafficVariant {
  const slot = key === undefined ? Math.floor(random() * 100) : keySlot(plan.seed, key);
  return plan.variants[plan.slots[slot] as number] as TrafficVariant;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}
