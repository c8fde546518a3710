/** One change between two policies: a key path and its value before and after (absent: undefined, shown as null). */
export interface PolicyChange {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * What changed from one policy document to the next, key by key: objects are compared member by
 * member, anything else (arrays included) as a whole. Paths are model.yaml's (`rate_limit.concurrent`).
 */
export function diffPolicy(before: unknown, after: unknown, path = ''): PolicyChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffPolicy(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '(root)', from: before ?? null, to: after ?? null }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
