import { join } from 'node:path';
import {
  Client, credentials, loadPackageDefinition, Metadata, status, type ServiceClientConstructor, type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** A client of `inference.GRPCInferenceService`, built by proto-loader from the repository's proto file, as any user's would be. */
const definition = loadSync(join(PACKAGE_ROOT, 'proto', 'inference.proto'), {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
const Service = (loadPackageDefinition(definition).inference as Record<string, ServiceClientConstructor>).GRPCInferenceService as ServiceClientConstructor;

export type RpcName = 'ServerLive' | 'ServerReady' | 'ModelReady' | 'ServerMetadata' | 'ModelMetadata' | 'ModelInfer'
  | 'RepositoryIndex' | 'RepositoryModelLoad' | 'RepositoryModelUnload' | 'CudaSharedMemoryStatus';

export interface RpcOptions {
  /** Sent as `authorization: Bearer <credential>`. */
  readonly credential?: string;
  /** Other metadata entries. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The call's deadline, in ms from now. */
  readonly deadlineMs?: number;
}

/** How a call ended: the response or the error, with the trailers either way. */
export interface RpcAnswer<T> {
  readonly code: status;
  readonly response?: T;
  readonly error?: ServiceError;
  readonly trailers: Metadata;
}

export function grpcClient(target: string): Client {
  return new Service(target, credentials.createInsecure());
}

/**
 * One unary call, never rejecting. A method not in umbral's proto (`CudaSharedMemoryStatus`) is sent
 * under Triton's method path with an empty message, to see what an unknown method answers.
 */
export function rpc<T = Record<string, unknown>>(client: Client, method: RpcName, request: object, options: RpcOptions = {}): Promise<RpcAnswer<T>> {
  const metadata = new Metadata();
  if (options.credential !== undefined) metadata.set('authorization', `Bearer ${options.credential}`);
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  const known = Service.service[method];
  const path = known?.path ?? `/inference.GRPCInferenceService/${method}`;
  const serialize = known?.requestSerialize ?? (() => Buffer.alloc(0));
  const deserialize = known?.responseDeserialize ?? ((bytes: Buffer) => bytes);
  const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
  return new Promise((resolve) => {
    let outcome: { response?: T; error?: ServiceError } | undefined;
    let trailers: Metadata | undefined;
    const settle = () => {
      if (outcome && trailers) resolve({ code: outcome.error?.code ?? status.OK, ...outcome, trailers });
    };
    const call = client.makeUnaryRequest<object, T>(path, serialize, deserialize as (bytes: Buffer) => T, request, metadata, callOptions,
      (error, response) => {
        outcome = error ? { error } : { response: response as T };
        settle();
      });
    call.on('status', (end) => {
      trailers = end.metadata;
      settle();
    });
  });
}

/** A trailer's value (the first), as text. */
export function trailer(answer: RpcAnswer<unknown>, key: string): string | undefined {
  const value = answer.trailers.get(key)[0];
  return value === undefined ? undefined : String(value);
}

// Tensors, written here independently of umbral's codec: REST-style inputs ({name, datatype, shape,
// data}) as typed `contents` or as little-endian raw bytes, and gRPC outputs read back into the REST
// answer's form, so that the two protocols can be compared.

export interface JsonTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

type Contents = Record<string, unknown[] | undefined>;

export interface GrpcOutput {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly string[];
  readonly contents?: Contents | null;
}

const FIELD: Record<string, string> = {
  BOOL: 'bool_contents', INT8: 'int_contents', INT16: 'int_contents', INT32: 'int_contents', INT64: 'int64_contents',
  UINT8: 'uint_contents', UINT16: 'uint_contents', UINT32: 'uint_contents', UINT64: 'uint64_contents',
  FP32: 'fp32_contents', FP64: 'fp64_contents', BYTES: 'bytes_contents',
};

/** An input with its elements in `contents`. */
export function typedInput(tensor: JsonTensor): object {
  const field = FIELD[tensor.datatype] as string;
  const values = tensor.data.map((v) => (tensor.datatype === 'BYTES' ? Buffer.from(String(v)) : tensor.datatype.endsWith('64') && tensor.datatype !== 'FP64' ? String(v) : v));
  return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, contents: { [field]: values } };
}

/** An input without contents, and its elements as raw little-endian bytes. */
export function rawInput(tensor: JsonTensor): { input: object; raw: Buffer } {
  return { input: { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape }, raw: rawBytes(tensor.datatype, tensor.data) };
}

export function rawBytes(datatype: string, data: readonly unknown[]): Buffer {
  if (datatype === 'BYTES') {
    return Buffer.concat(data.map((v) => {
      const bytes = Buffer.from(String(v));
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return Buffer.concat([length, bytes]);
    }));
  }
  const size = { BOOL: 1, UINT8: 1, INT8: 1, INT16: 2, UINT16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8 }[datatype] as number;
  const out = Buffer.alloc(size * data.length);
  data.forEach((v, i) => {
    const at = i * size;
    switch (datatype) {
      case 'BOOL': out.writeUInt8(v ? 1 : 0, at); break;
      case 'UINT8': out.writeUInt8(Number(v), at); break;
      case 'INT32': out.writeInt32LE(Number(v), at); break;
      case 'INT64': out.writeBigInt64LE(BigInt(v as number), at); break;
      case 'FP32': out.writeFloatLE(Number(v), at); break;
      case 'FP64': out.writeDoubleLE(Number(v), at); break;
      default: throw new Error(`rawBytes: ${datatype} not needed by the tests`);
    }
  });
  return out;
}

/** A gRPC output, from its contents or its raw bytes, in the REST answer's form. */
export function asJson(output: GrpcOutput, raw?: Buffer): JsonTensor {
  const shape = output.shape.map(Number);
  const data = raw ? fromRaw(output.datatype, raw) : fromContents(output.datatype, output.contents ?? {});
  return { name: output.name, datatype: output.datatype, shape, data };
}

function fromContents(datatype: string, contents: Contents): unknown[] {
  const values = contents[FIELD[datatype] as string] ?? [];
  if (datatype === 'BYTES') return values.map((v) => (v as Buffer).toString('utf8'));
  if (datatype === 'INT64' || datatype === 'UINT64') return values.map(Number);
  return values;
}

function fromRaw(datatype: string, raw: Buffer): unknown[] {
  const values: unknown[] = [];
  if (datatype === 'BYTES') {
    for (let at = 0; at < raw.length;) {
      const length = raw.readUInt32LE(at);
      values.push(raw.subarray(at + 4, at + 4 + length).toString('utf8'));
      at += 4 + length;
    }
    return values;
  }
  const read: Record<string, [number, (at: number) => unknown]> = {
    BOOL: [1, (at) => raw.readUInt8(at) === 1], UINT8: [1, (at) => raw.readUInt8(at)], INT32: [4, (at) => raw.readInt32LE(at)],
    INT64: [8, (at) => Number(raw.readBigInt64LE(at))], FP32: [4, (at) => raw.readFloatLE(at)], FP64: [8, (at) => raw.readDoubleLE(at)],
  };
  const [size, reader] = read[datatype] as [number, (at: number) => unknown];
  for (let at = 0; at < raw.length; at += size) values.push(reader(at));
  return values;
}
