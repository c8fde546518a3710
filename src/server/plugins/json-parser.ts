import type { FastifyInstance } from 'fastify';
import { Errors } from '../../errors/catalogue.js';

/**
 * Parses every request body as JSON, whatever its content type: `curl -d` sends
 * application/x-www-form-urlencoded, and Triton accepts such bodies too. Malformed JSON becomes
 * UMBRAL_ERR_INVALID_JSON with the parser's own position hint.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(Errors.invalidJson('the body is empty'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(Errors.invalidJson((error as Error).message), undefined);
    }
  });
}
