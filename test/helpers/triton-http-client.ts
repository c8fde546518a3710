/**
 * A REST client that speaks Triton's binary tensor data extension byte for byte as
 * `tritonclient.http` does by default: every input as bytes after the JSON header (each with
 * `binary_data_size`), every output asked for with `"binary_data": true`, the JSON header's length in
 * `Inference-Header-Content-Length`. Written from the protocol's text, for tests.
 */

/** A tensor as raw little-endian bytes (BYTES: 4-byte length + bytes per element). */
export interface RawTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly raw: Uint8Array;
}

export interface TritonAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON header (or the whole JSON answer, or the error body). */
  readonly json: Record<string, unknown>;
  /** Outputs sent as bytes, by name. */
  readonly raw: ReadonlyMap<string, Uint8Array>;
}

export interface TritonRequestOptions {
  /** Per output: true / false for `binary_data`; default true for every output named. */
  readonly outputs?: Readonly<Record<string, boolean | undefined>>;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The body and headers tritonclient.http sends for these inputs and outputs. */
export function tritonRequest(inputs: readonly RawTensor[], options: TritonRequestOptions = {}): { body: Buffer; headers: Record<string, string> } {
  const header = {
    inputs: inputs.map((i) => ({ name: i.name, shape: i.shape, datatype: i.datatype, parameters: { binary_data_size: i.raw.byteLength } })),
    ...(options.outputs ? {
      outputs: Object.entries(options.outputs).map(([name, binary]) => (binary === undefined ? { name } : { name, parameters: { binary_data: binary } })),
    } : {}),
    ...(options.parameters ? { parameters: options.parameters } : {}),
  };
  const json = Buffer.from(JSON.stringify(header));
  return {
    body: Buffer.concat([json, ...inputs.map((i) => i.raw)]),
    headers: { 'inference-header-content-length': String(json.length), ...options.headers },
  };
}

/** POSTs a binary request to `url` and reads the answer, binary or JSON. */
export async function tritonInfer(url: string, inputs: readonly RawTensor[], options: TritonRequestOptions = {}): Promise<TritonAnswer> {
  const { body, headers } = tritonRequest(inputs, options);
  return readAnswer(await fetch(url, { method: 'POST', headers, body }));
}

export async function readAnswer(response: Response): Promise<TritonAnswer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const length = response.headers.get('inference-header-content-length');
  const headerLength = length === null ? bytes.length : Number(length);
  const json = JSON.parse(bytes.subarray(0, headerLength).toString('utf8')) as Record<string, unknown>;
  const raw = new Map<string, Uint8Array>();
  let offset = headerLength;
  for (const output of (json.outputs ?? []) as Array<{ name: string; parameters?: { binary_data_size?: number } }>) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    raw.set(output.name, new Uint8Array(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  if (offset !== bytes.length) throw new Error(`the answer has ${bytes.length - offset} bytes no output accounts for`);
  return { status: response.status, headers: response.headers, json, raw };
}

/** BYTES elements in their raw form: each a 4-byte little-endian length, then its bytes. */
export function rawBytes(...elements: (string | Uint8Array)[]): Uint8Array {
  return new Uint8Array(Buffer.concat(elements.map((element) => {
    const bytes = typeof element === 'string' ? Buffer.from(element) : Buffer.from(element);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    return Buffer.concat([length, bytes]);
  })));
}

/** The bytes of a typed array (little-endian on every machine these tests run on). */
export function rawOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
