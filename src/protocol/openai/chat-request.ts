import { z } from 'zod';
import { parseBody } from './parse-body.js';

const ROLES = ['system', 'user', 'assistant', 'tool', 'developer'] as const;

/** One chat message; fields other than `role` and `content` (name, tool_calls, tool_call_id…) pass through. */
const messageSchema = z.looseObject({
  role: z.enum(ROLES),
  // Absent or null on assistant messages that only call tools; an array of parts for images, audio…
  content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
});

const positiveInt = z.int().positive();

/**
 * A `/v1/chat/completions` body (https://platform.openai.com/docs/api-reference/chat/create). Only
 * what umbral reads or can check cheaply is typed; every other field passes through to the upstream
 * unchanged, so that new OpenAI parameters work without a release of ours.
 */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  n: z.int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.int().nullish(),
  user: z.string().optional(),
});

export type ChatRequest = z.output<typeof chatRequestSchema>;
export type ChatMessage = z.output<typeof messageSchema>;

/** Checks a chat completion body; throws a ProtocolError naming the first bad field. */
export function parseChatRequest(body: unknown): ChatRequest {
  return parseBody(chatRequestSchema, body);
}
