import type { FastifyRequest } from 'fastify';
import type { LlmResult } from '../../inference/inference-service.js';

/** What the access log and the response headers say of the version that answered an LLM call. */
export function servedBy(result: LlmResult<unknown>): NonNullable<FastifyRequest['served']> {
  return {
    model: result.model, version: result.version,
    ...(result.fallbackFor ? { fallbackFor: result.fallbackFor } : {}), ...(result.cache ? { cache: result.cache } : {}),
  };
}
