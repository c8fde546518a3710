import { z } from 'zod';
import { parseBody } from './parse-body.js';

/**
 * A `/v1/responses` body (https://platform.openai.com/docs/api-reference/responses/create). umbral
 * routes on `model`, so it is required here (OpenAI lets a stored prompt name it); `input` is text
 * or a list of items, passed on as they are, like every field not typed here (tools, reasoning…).
 */
export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]).optional(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_output_tokens: z.int().positive().nullish(),
  user: z.string().optional(),
});

export type ResponsesRequest = z.output<typeof responsesRequestSchema>;

/** Checks a responses body; throws a ProtocolError naming the first bad field. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  return parseBody(responsesRequestSchema, body);
}
