import type { CacheSection } from '../model/cache-section.js';

/** A model's cache policy as the data plane reads it. */
export interface CachePolicy {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly scope: 'shared' | 'caller';
  readonly llm: 'deterministic' | 'always';
  readonly staleIfErrorMs: number;
}

/** The policy of a model.yaml `cache:` section; undefined when absent or disabled. */
export function cachePolicy(section: CacheSection | undefined): CachePolicy | undefined {
  if (!section?.enabled) return undefined;
  return {
    ttlMs: Math.round(section.ttl_seconds * 1000), maxEntries: section.max_entries, maxBytes: section.max_bytes,
    scope: section.scope, llm: section.llm, staleIfErrorMs: Math.round(section.stale_if_error_seconds * 1000),
  };
}
