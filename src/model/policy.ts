import { z } from 'zod';
import { cacheSectionSchema } from './cache-section.js';
import { trafficSchema } from './traffic-section.js';
import {
  driftSchema, dynamicBatchingSchema, fallbackSchema, limitsSchema, predictionLogSchema, promotionSchema, rateLimitSchema, remoteSectionSchema,
} from './policy-sections.js';

/**
 * A model's serving policy: how it is served, whatever version serves. Its keys are model.yaml's
 * (docs/guides/model-registry.md, "Serving policy"); it is registry state, stored per model, versioned and audited, and the
 * same on every replica. Unknown keys are refused. Every section is optional: an absent one means
 * the server's defaults.
 */
export const policySchema = z.object({
  /** Server readiness waits for this model (default true). */
  required: z.boolean().optional(),
  limits: limitsSchema.optional(),
  dynamic_batching: dynamicBatchingSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
  fallback: fallbackSchema.optional(),
  cache: cacheSectionSchema.optional(),
  kserve: remoteSectionSchema.optional(),
  openai: remoteSectionSchema.optional(),
  resilience: remoteSectionSchema.optional(),
  traffic: trafficSchema.optional(),
  prediction_log: predictionLogSchema.optional(),
  drift: driftSchema.optional(),
  promotion: promotionSchema.optional(),
}).strict();

/** A policy as checked: defaults of its sections filled in. */
export type ModelPolicy = z.output<typeof policySchema>;

/** A policy as written and stored: only what was given (JSON). */
export type PolicyDocument = Readonly<Record<string, unknown>>;

/** The policy's keys, in the order they are documented. */
export const POLICY_KEYS = Object.keys(policySchema.shape) as ReadonlyArray<keyof ModelPolicy>;

/** The checked policy, or every problem with its key (`rate_limit.requests_per_minute: …`). */
export function parsePolicy(document: unknown): { policy: ModelPolicy } | { problems: string[] } {
  const checked = policySchema.safeParse(document);
  if (checked.success) return { policy: checked.data };
  return { problems: checked.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`) };
}

/** The policy a model.yaml holds: its policy keys as written (parsed YAML), nothing else. */
export function policyOfModelYaml(raw: unknown): PolicyDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const keys = new Set<string>(POLICY_KEYS);
  return Object.fromEntries(Object.entries(raw).filter(([key, value]) => keys.has(key) && value !== undefined && value !== null));
}

function pathOf(keys: readonly PropertyKey[]): string {
  return keys.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}${text ? '.' : ''}${String(key)}`), '') || '(root)';
}
