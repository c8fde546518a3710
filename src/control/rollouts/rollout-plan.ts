import { z } from 'zod';
import { Errors } from '../../errors/catalogue.js';

const DURATION = /^(\d{1,7})(ms|s|m|h)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
/** Longest step: a week. */
const MAX_STEP_MS = 7 * 24 * 3_600_000;

/** `300ms`, `10s`, `10m`, `1h` in milliseconds; undefined when `text` is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : undefined;
}

const durationSchema = z.string().refine((text) => {
  const ms = durationMs(text);
  return ms !== undefined && ms <= MAX_STEP_MS;
}, 'use a number and a unit (ms, s, m, h), at most a week: 300ms, 10m, 1h');

/** One step: the challenger's share of the requests (percent) and how long it holds before the next. */
const stepSchema = z.object({
  share: z.number().int().min(1).max(100),
  /** Default 0: the step ends as soon as it has `min_requests` and its guards pass (the usual last step). */
  duration: durationSchema.optional(),
}).strict();

/** Limits on the challenger's requests in the current step; a limit left out is not checked. */
const guardsSchema = z.object({
  /** Most failed requests of the challenger, as a fraction: answered 5xx, or answered by the fallback chain instead. */
  max_error_rate: z.number().min(0).max(1).optional(),
  /** Highest 99th-percentile latency of the challenger's requests, in ms (the prediction log's latency_ms). */
  max_p99_ms: z.number().positive().max(3_600_000).optional(),
  /** Largest drop of the challenger's live quality (accuracy, hit rate; MAE: rise) below the champion's, from feedback. */
  max_quality_drop: z.number().min(0).max(1_000_000).optional(),
  /** Lowest shadow agreement rate of the challenger (policy traffic.shadow targeting it; this replica's counts). */
  min_shadow_agreement: z.number().min(0).max(1).optional(),
  /** Requests of the challenger a step needs before its guards are judged and before it may end (default 10). */
  min_requests: z.number().int().min(1).max(1_000_000).optional(),
}).strict();

/** `POST /admin/models/{m}/rollouts`: the steps, each share larger than the last, ending at 100, and the guards. */
export const rolloutPlanSchema = z.object({
  steps: z.array(stepSchema).min(1).max(20),
  guards: guardsSchema.optional(),
}).strict().superRefine((plan, context) => {
  plan.steps.forEach((step, i) => {
    const before = plan.steps[i - 1];
    if (before && step.share <= before.share) {
      context.addIssue({ code: 'custom', path: ['steps', i, 'share'], message: `${step.share} follows ${before.share}; each step's share must be larger than the last` });
    }
  });
  const last = plan.steps[plan.steps.length - 1];
  if (last && last.share !== 100) context.addIssue({ code: 'custom', path: ['steps', plan.steps.length - 1, 'share'], message: `the last step's share is ${last.share}; end at 100` });
});

export type RolloutPlan = z.output<typeof rolloutPlanSchema>;
export type RolloutGuards = NonNullable<RolloutPlan['guards']>;

export const DEFAULT_MIN_REQUESTS = 10;

/** The plan, or 400 UMBRAL_ERR_INVALID_REQUEST naming every problem (`steps[2].share: ...`). */
export function parseRolloutPlan(body: unknown): RolloutPlan {
  const parsed = rolloutPlanSchema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'plan'}: ${issue.message}`);
  throw Errors.invalidRequest('rollout plan', problems.join('; '));
}

/** A step's duration in ms (0 when it has none). */
export function stepMs(plan: RolloutPlan, step: number): number {
  const duration = plan.steps[step]?.duration;
  return duration === undefined ? 0 : durationMs(duration) ?? 0;
}
