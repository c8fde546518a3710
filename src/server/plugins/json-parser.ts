import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { HEADER_LENGTH_HEADER, splitBinaryBody } from '../../protocol/kserve/binary-body.js';
import { decompressBody } from './decompress-body.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route takes Triton's binary tensor data extension: with `Inference-Header-Content-Length`,
     * the body is a JSON header (parsed as the body) followed by tensor bytes (`request.binaryData`).
     */
    binaryTensors?: boolean;
  }
  interface FastifyRequest {
    /** The bytes after the JSON header of a binary tensor data request; undefined without the header. */
    binaryData?: Uint8Array;
  }
}

/**
 * Parses every request body as JSON, whatever its content type: `curl -d` sends
 * application/x-www-form-urlencoded, tritonclient sends application/octet-stream (or nothing), and
 * Triton accepts such bodies too. A gzip or deflate body (`Content-Encoding`) is decompressed first,
 * on every route, bounded by the body limit. On routes with `binaryTensors`, a body with
 * `Inference-Header-Content-Length` is split: the JSON header is the body, the rest binary data.
 * Malformed JSON becomes UMBRAL_ERR_INVALID_JSON with the parser's own position hint.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const limit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  app.decorateRequest('binaryData', undefined);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    parseBody(request, body as Buffer, limit).then((parsed) => done(null, parsed), (error: Error) => done(error, undefined));
  });
}

async function parseBody(request: FastifyRequest, raw: Buffer, limit: number): Promise<unknown> {
  const body = await decompressBody(raw, request.headers['content-encoding'], limit);
  const headerLength = request.headers[HEADER_LENGTH_HEADER];
  if (headerLength === undefined) return parseJson(body);
  if (request.routeOptions.config.binaryTensors !== true) {
    throw Errors.invalidRequest('Inference-Header-Content-Length',
      'binary tensor data is taken by the infer routes only (POST /v2/models/{m}/infer); send a JSON body without this header');
  }
  const split = splitBinaryBody(body, [headerLength].flat().join(','));
  request.binaryData = split.binary;
  return parseJson(Buffer.from(split.json.buffer, split.json.byteOffset, split.json.byteLength));
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw Errors.invalidJson('the body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw Errors.invalidJson((error as Error).message);
  }
}
