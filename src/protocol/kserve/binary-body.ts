import { ProtocolError } from './protocol-error.js';

/**
 * Triton's binary tensor data extension over REST: a body is a JSON object followed by the tensors'
 * bytes, and the header `Inference-Header-Content-Length` gives the JSON object's length in bytes.
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 */
export const HEADER_LENGTH_HEADER = 'inference-header-content-length';

/** The parameter of an input (and of a binary output) giving its section's size in bytes. */
export const BINARY_DATA_SIZE = 'binary_data_size';
/** The parameter of a requested output asking for it as bytes. */
export const BINARY_DATA = 'binary_data';
/** The parameter of a request asking for every output as bytes (an output's own `binary_data` wins). */
export const BINARY_DATA_OUTPUT = 'binary_data_output';

/** A body split at the JSON header's end. */
/** A JSON header followed by the binary sections, as one body; send `headerLength` as Inference-Header-Content-Length. */
export function joinBinaryBody(header: Uint8Array, sections: readonly Uint8Array[]): { headerLength: number; body: Uint8Array } {
  const body = new Uint8Array(header.byteLength + sections.reduce((sum, raw) => sum + raw.byteLength, 0));
  body.set(header);
  let offset = header.byteLength;
  for (const raw of sections) {
    body.set(raw, offset);
    offset += raw.byteLength;
  }
  return { headerLength: header.byteLength, body };
}

export interface SplitBody {
  /** The JSON header's bytes. */
  readonly json: Uint8Array;
  /** The tensors' sections, one after the other; empty when every tensor is in the JSON. */
  readonly binary: Uint8Array;
}

const DIGITS = /^[0-9]{1,15}$/;

/** Splits a body at the length `Inference-Header-Content-Length` gives (the header's text as sent). */
export function splitBinaryBody(body: Uint8Array, headerLength: string): SplitBody {
  const text = headerLength.trim();
  if (!DIGITS.test(text)) {
    throw new ProtocolError('invalid_request', ['Inference-Header-Content-Length',
      `must be the JSON header's length in bytes (a non-negative integer), got '${text.slice(0, 32)}'`]);
  }
  const length = Number(text);
  if (length > body.byteLength) {
    throw new ProtocolError('invalid_request', ['Inference-Header-Content-Length',
      `is ${length} but the body has only ${body.byteLength} bytes; give the length of the JSON header alone, in bytes`]);
  }
  return { json: body.subarray(0, length), binary: body.subarray(length) };
}

/**
 * The binary sections after a request's JSON header, taken in the order of the inputs that carry
 * `binary_data_size`. `finish` checks that the sizes account for every byte.
 */
export class BinarySections {
  #offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The next `size` bytes, for `input` (named in errors). */
  take(input: string, size: number): Uint8Array {
    const left = this.bytes.byteLength - this.#offset;
    if (size > left) {
      throw new ProtocolError('invalid_data', [input,
        `binary_data_size is ${size} but only ${left} bytes of binary data are left after the JSON header and the inputs before it; `
        + 'the sizes must add up to the body length minus Inference-Header-Content-Length']);
    }
    const section = this.bytes.subarray(this.#offset, this.#offset + size);
    this.#offset += size;
    return section;
  }

  /** Throws when bytes are left over that no input's `binary_data_size` covers. */
  finish(): void {
    const left = this.bytes.byteLength - this.#offset;
    if (left > 0) {
      throw new ProtocolError('invalid_request', ['body',
        `${left} bytes of binary data follow the last input's section; the inputs' binary_data_size must add up to the body length `
        + 'minus Inference-Header-Content-Length']);
    }
  }
}

/**
 * Reads a size parameter: a non-negative safe integer. `path` names it in errors.
 */
export function decodeSize(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ProtocolError('invalid_parameter', [BINARY_DATA_SIZE, `in ${path}: must be the section's size in bytes, a non-negative integer`]);
  }
  return value;
}

/** Reads a boolean parameter (`binary_data`, `binary_data_output`): absent is undefined. */
export function decodeFlag(value: unknown, name: string, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ProtocolError('invalid_parameter', [name, `in ${path}: must be true or false`]);
}

/** A copy of `parameters` without `key`, or the object itself when it has none. */
export function withoutKey<P extends Readonly<Record<string, unknown>>>(parameters: P, key: string): P {
  if (!Object.hasOwn(parameters, key)) return parameters;
  // Object.fromEntries defines own properties, so a `__proto__` key stays a plain key.
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => name !== key)) as P;
}
