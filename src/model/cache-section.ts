import { z } from 'zod';

const DAY_SECONDS = 24 * 3600;

/**
 * model.yaml `cache:`: whether and how this model's responses are cached. The section's presence
 * turns caching on (`enabled: false` keeps the settings and turns it off). docs/guides/response-cache.md.
 */
export const cacheSectionSchema = z.object({
  enabled: z.boolean().default(true),
  /** How long an entry is served. */
  ttl_seconds: z.number().positive().max(30 * DAY_SECONDS).default(300),
  /**
   * Bounds of the in-memory LRU (per process, per model); Redis is bounded by its own `maxmemory`.
   * The LRU preallocates about 50 bytes per entry slot (at most max_bytes / 128 slots).
   */
  max_entries: z.number().int().positive().max(1_000_000).default(10_000),
  max_bytes: z.number().int().positive().max(64 * 1024 ** 3).default(64 * 1024 ** 2),
  /** shared: one answer for every caller; caller: each key or user has its own entries. */
  scope: z.enum(['shared', 'caller']).default('shared'),
  /** LLM chat answers: cached when the request asks for `temperature: 0` (deterministic), or always. */
  llm: z.enum(['deterministic', 'always']).default('deterministic'),
  /**
   * How long past its TTL an answer is kept to answer when the model (and its fallback chain) fails
   * for a reason of its own: servers down, breakers open, deadline (RFC 5861 stale-if-error); 0 = never.
   */
  stale_if_error_seconds: z.number().min(0).max(30 * DAY_SECONDS).default(0),
}).strict();

export type CacheSection = z.output<typeof cacheSectionSchema>;
