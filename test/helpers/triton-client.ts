import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  credentials, loadPackageDefinition, Metadata, status, type Client, type ClientDuplexStream, type ServiceClientConstructor, type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../src/paths.js';

/*
 * A client of `inference.GRPCInferenceService` built from Triton's protocol definitions, not from
 * umbral's proto: the genuine grpc_service.proto and model_config.proto when the project lead has
 * placed them in ../shared/reference/triton/ (beside the repository), else the fixture written for
 * these tests from reading them (test/fixtures/triton/). What decodes here decodes in Triton's clients.
 */

const GENUINE_DIR = join(PACKAGE_ROOT, '..', 'shared', 'reference', 'triton');
const FIXTURE_DIR = join(PACKAGE_ROOT, 'test', 'fixtures', 'triton');
const genuine = existsSync(join(GENUINE_DIR, 'grpc_service.proto')) && existsSync(join(GENUINE_DIR, 'model_config.proto'));

/** Which definitions the client was built from, and where they are. */
export const TRITON_PROTO = { source: genuine ? 'genuine Triton files' : 'test fixture written from Triton\'s files', dir: genuine ? GENUINE_DIR : FIXTURE_DIR };

/** As a generated client reads messages: names as in the proto, 64-bit numbers as strings, enums by name. */
const definition = loadSync(join(TRITON_PROTO.dir, 'grpc_service.proto'), {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [TRITON_PROTO.dir],
});
const Service = (loadPackageDefinition(definition).inference as Record<string, ServiceClientConstructor>).GRPCInferenceService as ServiceClientConstructor;

/** The RPC names Triton's service declares. */
export const TRITON_RPCS: readonly string[] = Object.keys(Service.service);

export function tritonClient(target: string): Client {
  return new Service(target, credentials.createInsecure());
}

export interface TritonAnswer<T> {
  readonly code: status;
  readonly response?: T;
  readonly error?: ServiceError;
}

/** One unary call with Triton's messages, never rejecting. */
export function tritonRpc<T = Record<string, unknown>>(client: Client, method: string, request: object): Promise<TritonAnswer<T>> {
  const rpc = Service.service[method];
  if (!rpc || rpc.requestStream || rpc.responseStream) throw new Error(`${method} is not a unary RPC of Triton's service`);
  return new Promise((resolve) => {
    client.makeUnaryRequest<object, T>(rpc.path, rpc.requestSerialize, rpc.responseDeserialize as (bytes: Buffer) => T, request, new Metadata(), {},
      (error, response) => resolve(error ? { code: error.code, error } : { code: status.OK, response: response as T }));
  });
}

/** Triton's ModelStreamInfer as a Triton client opens it. */
export function tritonStream<Res = Record<string, unknown>>(client: Client): ClientDuplexStream<object, Res> {
  const rpc = Service.service.ModelStreamInfer;
  if (!rpc) throw new Error('ModelStreamInfer is not declared in Triton\'s service');
  return client.makeBidiStreamRequest<object, Res>(rpc.path, rpc.requestSerialize, rpc.responseDeserialize as (bytes: Buffer) => Res);
}

/** A JSON body with its numbers as decimal strings: how a Triton client decodes the same 64-bit fields over gRPC. */
export function asUint64Strings(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(asUint64Strings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, asUint64Strings(inner)]));
  return value;
}

/** A StatisticDuration, or a JSON `$duration_stat` (N: number), as decoded (N: string). */
export interface DurationOf<N> { count: N; ns: N }

/** One `ModelStatistics` entry; JSON numbers are N = number, gRPC uint64 fields N = string. */
export interface StatisticsOf<N> {
  name: string;
  version: string;
  last_inference: N;
  inference_count: N;
  execution_count: N;
  inference_stats: Record<string, DurationOf<N>>;
  batch_stats: Array<{ batch_size: N; compute_input: DurationOf<N>; compute_infer: DurationOf<N>; compute_output: DurationOf<N> }>;
  memory_usage?: unknown[];
  response_stats?: Record<string, unknown>;
}

/** The parts of a decoded `ModelConfig` the tests read (int64 fields as strings). */
export interface DecodedConfig {
  name: string;
  platform: string;
  backend: string;
  max_batch_size: number;
  version_policy: { specific?: { versions: string[] } };
  scheduling_choice?: string;
  dynamic_batching?: { preferred_batch_size: number[]; max_queue_delay_microseconds: string } | null;
  sequence_batching?: unknown;
  optimization?: unknown;
  model_warmup: unknown[];
  input: Array<Record<string, unknown> & { name: string; data_type: string; dims: string[] }>;
  output: Array<{ name: string; data_type: string }>;
  instance_group: Array<{ kind: string; count: number }>;
}
