/** `?limit=&before=` as the history and event routes take them. */
export interface PageQuery {
  readonly limit?: number;
  readonly before?: number;
}

/**
 * The query schema of a page of a log, newest first: `limit` entries (1-1000) with ids below `before`.
 * Ids are PostgreSQL bigserials, bounded here by what a JavaScript number holds exactly (2^53 - 1),
 * so that the database never sees a number it cannot take.
 */
export const pageQuerySchema = {
  type: 'object', additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    before: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;
