import { z } from 'zod';
import { parseBody } from './parse-body.js';

const tokens = z.array(z.int().nonnegative()).min(1);

/**
 * A `/v1/embeddings` body (https://platform.openai.com/docs/api-reference/embeddings/create): text,
 * texts, a token array or token arrays. Other fields (dimensions, encoding_format, user) pass through.
 */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), tokens, z.array(tokens).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.int().positive().optional(),
});

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

/** Checks an embeddings body; throws a ProtocolError naming the first bad field. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  return parseBody(embeddingsRequestSchema, body);
}
