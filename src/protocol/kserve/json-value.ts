/** A JSON object as JSON.parse makes it (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Names what a value is, for error messages. Numbers and booleans are shown; strings, arrays and
 * objects only by their type, so a message never echoes a large or sensitive payload.
 */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object': return 'an object';
    case 'string': return 'a string';
    case 'number': return `the number ${value}`;
    case 'boolean': return `${value}`;
    default: return typeof value;
  }
}
