import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { Errors } from '../../errors/catalogue.js';

const DECODERS = {
  gzip: promisify<Buffer, ZlibOptions, Buffer>(gunzip),
  deflate: promisify<Buffer, ZlibOptions, Buffer>(inflate),
  rawDeflate: promisify<Buffer, ZlibOptions, Buffer>(inflateRaw),
};

/**
 * The body as sent, decompressed when `Content-Encoding` is gzip or deflate (as Triton takes them),
 * to at most `limit` bytes. zlib's `maxOutputLength` stops inflating as soon as the output passes the
 * limit, so a zip bomb costs `limit` bytes of memory at most, never its inflated size; it is refused
 * with a 413. Another encoding is a 415; data that does not inflate is a 400.
 */
export async function decompressBody(body: Buffer, header: string | string[] | undefined, limit: number): Promise<Buffer> {
  const encoding = encodingOf(header);
  if (encoding === undefined) return body;
  const options: ZlibOptions = { maxOutputLength: limit };
  try {
    if (encoding === 'gzip') return await DECODERS.gzip(body, options);
    // "deflate" is the zlib format (RFC 9110 §8.4.1.2); some clients send bare deflate data, which is taken too.
    return await (hasZlibHeader(body) ? DECODERS.deflate : DECODERS.rawDeflate)(body, options);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw Errors.bodyTooLarge(limit);
    throw Errors.invalidEncoding(encoding, (error as Error).message);
  }
}

/** The one coding applied to the body, undefined for none; 415 for any other (or several). */
function encodingOf(header: string | string[] | undefined): 'gzip' | 'deflate' | undefined {
  const codings = [header ?? []].flat().flatMap((value) => value.split(','))
    .map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return undefined;
  const [coding] = codings as [string];
  if (codings.length === 1 && (coding === 'gzip' || coding === 'x-gzip')) return 'gzip';
  if (codings.length === 1 && coding === 'deflate') return 'deflate';
  throw Errors.unsupportedEncoding(codings.join(', ').slice(0, 64));
}

/** Whether the data starts with a zlib header (RFC 1950: method 8, header check a multiple of 31). */
function hasZlibHeader(body: Buffer): boolean {
  if (body.length < 2) return false;
  const cmf = body[0] as number;
  const flg = body[1] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}
