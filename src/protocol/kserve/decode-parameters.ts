import { describeJson, isJsonObject } from './json-value.js';
import { ProtocolError } from './protocol-error.js';
import type { Parameters } from './wire-types.js';

const EMPTY: Parameters = Object.freeze({});

/**
 * Checks a `$parameters` object found at `path` (absent = empty): every value a string, a number or
 * a boolean. Returns the object itself rather than a copy, so that keys such as `__proto__`, which
 * JSON.parse makes own properties, are never assigned anywhere.
 */
export function decodeParameters(value: unknown, path: string): Parameters {
  if (value === undefined) return EMPTY;
  if (!isJsonObject(value)) {
    throw new ProtocolError('invalid_request', [path, `must be an object of parameters, got ${describeJson(value)}`]);
  }
  for (const key of Object.keys(value)) {
    const item = value[key];
    const type = typeof item;
    const fits = type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(item));
    if (!fits) {
      throw new ProtocolError('invalid_parameter',
        [key, `in ${path}: must be a string, a number or a boolean, got ${describeJson(item)}`]);
    }
  }
  return value as Parameters;
}
