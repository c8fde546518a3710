import type { FastifyInstance } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';

/**
 * A control character (U+0000-U+001F, U+007F) can reach a path or query parameter only
 * percent-encoded (the HTTP parser refuses a raw one): this finds its encoding in the raw URL, so
 * that the common URL costs one scan. `%2500` is the text "%00", not a NUL, and does not match.
 */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Refuses, for every route, a path or query parameter holding a control character, with a 400
 * naming it: no name, version, id or username holds one, and PostgreSQL text cannot hold NUL (it
 * would fail the query, a 500). One check here instead of one per route. It runs in `onRequest`
 * after access control (register it after), before any body is read.
 */
export function registerUrlTextCheck(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!ENCODED_CONTROL.test(request.url)) return done();
    done(controlIn(request.params, 'path parameter') ?? controlIn(request.query, 'query parameter')
      ?? Errors.invalidRequest('url', `holds a percent-encoded control character; ${FIX}`));
  });
}

const FIX = 'path and query parameters must be printable text (names are letters, digits, \'.\', \'_\' and \'-\')';

function controlIn(values: unknown, what: string): UmbralError | undefined {
  if (typeof values !== 'object' || values === null) return undefined;
  for (const [name, value] of Object.entries(values)) {
    // A repeated query key comes as an array of its values.
    const texts: unknown[] = [name, ...(Array.isArray(value) ? value : [value])];
    const bad = texts.find((text): text is string => typeof text === 'string' && CONTROL.test(text));
    if (bad !== undefined) return Errors.invalidRequest(`${what} '${printable(name)}'`, `holds the control character ${codePoint(bad)}; ${FIX}`);
  }
  return undefined;
}

function codePoint(text: string): string {
  const char = CONTROL.exec(text)?.[0] ?? '';
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The name as an error message may show it: control characters as their code points. */
function printable(name: string): string {
  return name.replace(new RegExp(CONTROL.source, 'g'), (char) => codePoint(char));
}
