import { z } from 'zod';
import { shadowPolicySchema } from './shadow-policy.js';

/** Most variants one split holds: each is a label value of the per-variant metrics, so their number stays small. */
export const MAX_VARIANTS = 10;

/** The header that chooses a variant for one request (operators only; docs/guides/traffic.md). */
export const VARIANT_HEADER = 'x-umbral-variant';

const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const FIELD_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/** One arm of a split: its name, what serves it (a version number or an alias), and its share in percent. */
export const variantSchema = z.object({
  /** What the answer's `x-umbral-variant`, the prediction log and the metrics call it. */
  variant: z.string().regex(VARIANT_NAME, 'use 1-64 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit'),
  /** A version number (`2`), or an alias name (`champion`), followed as it moves. */
  target: z.union([z.number().int().positive(), z.string().min(1).max(128)]),
  /** Percent of requests, a whole number; the split's weights add up to 100. 0: only the override header reaches it. */
  weight: z.number().int().min(0).max(100),
}).strict();

/**
 * Where the sticky key of a request is read: a request header, a request parameter (KServe v2
 * `parameters`), or the first element of an input tensor. Exactly one.
 */
export const stickySchema = z.object({
  header: z.string().regex(HEADER_NAME, 'use a lower-case HTTP header name').optional(),
  parameter: z.string().regex(FIELD_NAME, 'use a request parameter name').optional(),
  input: z.string().regex(FIELD_NAME, 'use an input tensor name').optional(),
}).strict().refine((sticky) => [sticky.header, sticky.parameter, sticky.input].filter((v) => v !== undefined).length === 1, {
  message: 'name exactly one of header, parameter or input',
});

/**
 * `traffic`: how the requests that name no version are shared between variants (docs/guides/traffic.md).
 * Without `sticky`, each request draws its variant at random by weight; with it, the key's hash
 * chooses, so the same key lands on the same variant on every replica. `shadow`: a share of answered
 * requests mirrored to another version and compared (shadow-policy.ts, docs/guides/shadow.md).
 */
export const trafficSchema = z.object({
  split: z.array(variantSchema).min(1).max(MAX_VARIANTS).optional(),
  sticky: stickySchema.optional(),
  /** Whether an operator's `x-umbral-variant` header chooses the variant (default true). */
  override_header: z.boolean().optional(),
  shadow: shadowPolicySchema.optional(),
}).strict().superRefine((traffic, context) => {
  const split = traffic.split ?? [];
  const sum = split.reduce((total, arm) => total + arm.weight, 0);
  if (split.length > 0 && sum !== 100) {
    context.addIssue({ code: 'custom', path: ['split'], message: `the weights add up to ${sum}; make them add up to 100` });
  }
  const seen = new Set<string>();
  split.forEach((arm, i) => {
    if (seen.has(arm.variant)) context.addIssue({ code: 'custom', path: ['split', i, 'variant'], message: `variant '${arm.variant}' appears twice; name each once` });
    seen.add(arm.variant);
  });
  if (split.length === 0 && (traffic.sticky !== undefined || traffic.override_header !== undefined)) {
    context.addIssue({ code: 'custom', path: ['split'], message: 'sticky and override_header apply to a split; add one' });
  }
});

export type TrafficSection = z.output<typeof trafficSchema>;
export type VariantSection = z.output<typeof variantSchema>;
