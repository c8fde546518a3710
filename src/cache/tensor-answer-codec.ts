import { DATATYPE_BYTES, isDatatype } from '../protocol/kserve/datatypes.js';
import { decodeRawContents, encodeRawContents } from '../protocol/kserve/raw-contents.js';
import { allocateData, elementCount, hasBinaryElement, type Tensor } from '../protocol/tensor.js';

/** A tensor answer as the cache keeps it: what the version that served returned. */
export interface TensorAnswer {
  readonly model: string;
  readonly version: string;
  readonly outputs: readonly Tensor[];
  readonly batchSize: number;
}

interface EncodedTensor { n: string; d: string; s: number[]; b?: string; t?: string[]; r?: string }
interface EncodedAnswer { m: string; v: string; n: number; o: EncodedTensor[] }

/**
 * A tensor answer as one string: numeric data as the base64 of its raw bytes (exact for every
 * float, NaN and infinities included, and compact), BYTES as JSON strings when all are text, else
 * as the base64 of their raw form (length-prefixed elements, exact for bytes that are not UTF-8).
 */
export function encodeTensorAnswer(answer: TensorAnswer): string {
  const encoded: EncodedAnswer = {
    m: answer.model, v: answer.version, n: answer.batchSize,
    o: answer.outputs.map((tensor) => {
      const base = { n: tensor.name, d: tensor.datatype, s: [...tensor.shape] };
      if (Array.isArray(tensor.data)) {
        if (!hasBinaryElement(tensor.data)) return { ...base, t: tensor.data as string[] };
        return { ...base, r: Buffer.from(encodeRawContents('BYTES', tensor.data)).toString('base64') };
      }
      const view = tensor.data as ArrayBufferView;
      return { ...base, b: Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64') };
    }),
  };
  return JSON.stringify(encoded);
}

/** The answer `encodeTensorAnswer` wrote; throws on anything else (the cache then treats it as a miss). */
export function decodeTensorAnswer(text: string): TensorAnswer {
  const encoded = JSON.parse(text) as EncodedAnswer;
  const outputs = encoded.o.map((tensor): Tensor => {
    if (!isDatatype(tensor.d)) throw new Error(`cached tensor ${tensor.n} has unknown datatype ${tensor.d}`);
    if (tensor.t) return { name: tensor.n, datatype: tensor.d, shape: tensor.s, data: tensor.t };
    if (tensor.r !== undefined) {
      const data = decodeRawContents(tensor.n, 'BYTES', elementCount(tensor.s), Buffer.from(tensor.r, 'base64'));
      return { name: tensor.n, datatype: tensor.d, shape: tensor.s, data };
    }
    const raw = Buffer.from(tensor.b ?? '', 'base64');
    const width = DATATYPE_BYTES[tensor.d];
    if (width === 0 || raw.byteLength % width !== 0) throw new Error(`cached tensor ${tensor.n} does not hold whole ${tensor.d} elements`);
    const data = allocateData(tensor.d, raw.byteLength / width) as ArrayBufferView;
    // A copy into the typed array's own, aligned buffer: a Buffer's offset may not be a multiple of the width.
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(raw);
    return { name: tensor.n, datatype: tensor.d, shape: tensor.s, data: data as Tensor['data'] };
  });
  return { model: encoded.m, version: encoded.v, batchSize: encoded.n, outputs };
}
