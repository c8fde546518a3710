import { z } from 'zod';
import { parseBody } from './parse-body.js';

const tokens = z.array(z.int().nonnegative()).min(1);
const positiveInt = z.int().positive();

/**
 * A `/v1/completions` body (https://platform.openai.com/docs/api-reference/completions/create): a
 * prompt as text, texts, tokens or token arrays. Only what umbral reads or can check cheaply is
 * typed; every other field passes through to the upstream unchanged.
 */
export const completionsRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).min(1), tokens, z.array(tokens).min(1)]),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: positiveInt.nullish(),
  n: z.int().min(1).max(128).nullish(),
  best_of: z.int().min(1).max(20).nullish(),
  logprobs: z.int().min(0).max(5).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.int().nullish(),
  user: z.string().optional(),
});

export type CompletionsRequest = z.output<typeof completionsRequestSchema>;

/** Checks a completions body; throws a ProtocolError naming the first bad field. */
export function parseCompletionsRequest(body: unknown): CompletionsRequest {
  return parseBody(completionsRequestSchema, body);
}
