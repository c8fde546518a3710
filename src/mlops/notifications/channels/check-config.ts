import type { z } from 'zod';
import type { CheckedChannel } from './channel-driver.js';

/**
 * A channel's `config` through its schema, and its secret through `secretProblems`: every problem at
 * once, each naming the field (`config.chat_id: …`, `secret: …`).
 */
export function checkChannelConfig<T extends Record<string, unknown>>(
  schema: z.ZodType<T>, config: unknown, secret: string | undefined, secretProblems: (secret: string | undefined) => string[],
): CheckedChannel {
  const parsed = schema.safeParse(config ?? {});
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `config${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
  problems.push(...secretProblems(secret));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, config: parsed.data, secret };
}
