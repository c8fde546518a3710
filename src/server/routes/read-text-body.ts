import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';
import { decompressBody } from '../plugins/decompress-body.js';

/**
 * A body as UTF-8 text, refused with `tooLarge()` (a 413) as soon as it passes `limit` bytes, as
 * sent and once decompressed: for datasets, larger than a request and read whatever their content
 * type (curl's --data-binary sends form-urlencoded).
 */
export async function readTextBody(request: FastifyRequest, payload: Readable, limit: number, tooLarge: () => UmbralError): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge();
    chunks.push(buffer);
  }
  const body = await decompressBody(Buffer.concat(chunks, size), request.headers['content-encoding'], limit).catch((error: unknown) => {
    throw (error as { code?: string }).code === Errors.bodyTooLarge.code ? tooLarge() : error;
  });
  return body.toString('utf8');
}
