import type { z } from 'zod';
import { findTooDeep, TOO_DEEP } from '../json-depth.js';
import { ProtocolError } from '../kserve/protocol-error.js';

/**
 * Checks a request body against an OpenAI wire schema, after its nesting depth. Throws the protocol's `invalid_request`
 * error naming the first bad field as a JSON path (`messages[0].role`), which the server renders as
 * UMBRAL_ERR_INVALID_REQUEST (400) with that path as OpenAI's `param`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  // Unknown fields pass through to the upstream: JSON.stringify and the cache key must be able to take them.
  const deep = findTooDeep(body, '');
  if (deep !== undefined) throw new ProtocolError('invalid_request', [deep || 'body', TOO_DEEP]);
  const checked = schema.safeParse(body);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  const path = issue ? jsonPath(issue.path) : 'body';
  throw new ProtocolError('invalid_request', [path, issue?.message ?? 'is not valid']);
}

/** `['messages', 0, 'role']` → `messages[0].role`; the root is `body`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || 'body';
}
