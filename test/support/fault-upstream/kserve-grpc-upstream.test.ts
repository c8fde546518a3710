import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  credentials, loadPackageDefinition, Metadata, status, type CallOptions, type Client, type ClientUnaryCall,
  type ServiceClientConstructor, type ServiceError, type StatusObject,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { startKserveUpstream, type KserveUpstream } from './index.js';

// A client built from the proto file as any user's would be, independent of the upstream's code.
const definition = loadSync(join(PACKAGE_ROOT, 'proto', 'inference.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const Service = (loadPackageDefinition(definition).inference as Record<string, ServiceClientConstructor>).GRPCInferenceService as ServiceClientConstructor;

/** The fields of the answers these tests read, as proto-loader hands them over (longs as strings). */
interface Message {
  readonly live?: boolean;
  readonly ready?: boolean;
  readonly id?: string;
  readonly extensions?: string[];
  readonly outputs: { name: string; datatype: string; shape: string[]; contents: { int_contents: number[] } | null }[];
  readonly raw_output_contents: Buffer[];
  readonly models: { name: string; version: string; state: string; reason: string }[];
}
interface Answer { readonly code: status; readonly response?: Message; readonly error?: ServiceError; readonly trailers: Metadata }

type UnaryMethod = (request: object, metadata: Metadata, options: CallOptions,
  callback: (error: ServiceError | null, response: Message) => void) => ClientUnaryCall;

/** One unary call that never rejects: its status code, response or error, and trailers. */
function rpc(client: Client, method: string, request: object, deadlineMs?: number): Promise<Answer> {
  const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
  return new Promise((resolve) => {
    let outcome: { response?: Message; error?: ServiceError } | undefined;
    let trailers: Metadata | undefined;
    const settle = () => { if (outcome && trailers) resolve({ code: outcome.error?.code ?? status.OK, ...outcome, trailers }); };
    const invoke = (client as unknown as Record<string, UnaryMethod>)[method] as UnaryMethod;
    const call = invoke.call(client, request, new Metadata(), options, (error, response) => {
      outcome = error ? { error } : { response };
      settle();
    });
    call.on('status', (end: StatusObject) => { trailers = end.metadata; settle(); });
  });
}

const ones = Array.from({ length: 16 }, () => 1);
const iota = Array.from({ length: 16 }, (_, i) => i);
const typedAddSub = {
  model_name: 'add-sub', id: 'g1',
  inputs: [
    { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], contents: { int_contents: iota } },
    { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], contents: { int_contents: ones } },
  ],
};
const int32le = (values: number[]) => Buffer.from(Int32Array.from(values).buffer);
const fromInt32le = (raw: Buffer) => Array.from({ length: raw.length / 4 }, (_, i) => raw.readInt32LE(i * 4));

describe('gRPC fault upstream', () => {
  let upstream: KserveUpstream;
  let client: Client;
  before(async () => {
    upstream = await startKserveUpstream();
    client = new Service(upstream.grpcTarget, credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.faults.set(undefined);
    upstream.setReady(true);
    upstream.repository.load('add-sub');
    upstream.resetCounts();
  });

  it('answers liveness, readiness and metadata', async () => {
    assert.equal((await rpc(client, 'ServerLive', {})).response?.live, true);
    assert.equal((await rpc(client, 'ServerReady', {})).response?.ready, true);
    upstream.setReady(false);
    assert.equal((await rpc(client, 'ServerReady', {})).response?.ready, false);
    assert.deepEqual((await rpc(client, 'ServerMetadata', {})).response?.extensions, ['model_repository']);
    const metadata = await rpc(client, 'ModelMetadata', { name: 'add-sub' });
    assert.deepEqual(metadata.response?.outputs[1], { name: 'OUTPUT1', datatype: 'INT32', shape: ['-1', '16'] });
    assert.equal((await rpc(client, 'ModelMetadata', { name: 'nope' })).code, status.NOT_FOUND);
    assert.equal((await rpc(client, 'ModelReady', { name: 'add-sub', version: '1' })).response?.ready, true);
    assert.equal((await rpc(client, 'ModelReady', { name: 'nope' })).response?.ready, false);
  });

  it('infers with typed contents and answers typed contents', async () => {
    const answer = await rpc(client, 'ModelInfer', typedAddSub);
    assert.equal(answer.code, status.OK);
    assert.equal(answer.response?.id, 'g1');
    assert.deepEqual(answer.response?.raw_output_contents, []);
    assert.deepEqual(answer.response?.outputs[0]?.contents?.int_contents, iota.map((v) => v + 1));
    assert.deepEqual(answer.response?.outputs[1]?.contents?.int_contents, iota.map((v) => v - 1));
  });

  it('infers with raw contents and answers raw contents', async () => {
    const answer = await rpc(client, 'ModelInfer', {
      model_name: 'add-sub', model_version: '1',
      inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [1, 16] }, { name: 'INPUT1', datatype: 'INT32', shape: [1, 16] }],
      outputs: [{ name: 'OUTPUT1' }],
      raw_input_contents: [int32le(iota), int32le(ones)],
    });
    assert.equal(answer.code, status.OK);
    assert.deepEqual(answer.response?.outputs.map((o) => o.name), ['OUTPUT1']);
    assert.deepEqual(fromInt32le(answer.response?.raw_output_contents[0] as Buffer), iota.map((v) => v - 1));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(3);
    const echo = await rpc(client, 'ModelInfer', {
      model_name: 'echo', inputs: [{ name: 'INPUT', datatype: 'BYTES', shape: [1] }], raw_input_contents: [Buffer.concat([length, Buffer.from('abc')])],
    });
    assert.deepEqual(echo.response?.raw_output_contents[0], Buffer.concat([length, Buffer.from('abc')]));
  });

  it('refuses bad requests and unloaded models with Triton codes', async () => {
    assert.equal((await rpc(client, 'ModelInfer', { ...typedAddSub, inputs: [] })).code, status.INVALID_ARGUMENT);
    assert.equal((await rpc(client, 'ModelInfer', { ...typedAddSub, model_name: 'nope' })).code, status.NOT_FOUND);
    await rpc(client, 'RepositoryModelUnload', { model_name: 'add-sub' });
    assert.equal((await rpc(client, 'ModelInfer', typedAddSub)).code, status.UNAVAILABLE);
  });

  it('loads and unloads through the repository RPCs, and readiness follows', async () => {
    assert.equal((await rpc(client, 'RepositoryModelUnload', { model_name: 'add-sub' })).code, status.OK);
    assert.deepEqual((await rpc(client, 'RepositoryIndex', {})).response?.models, [
      { name: 'add-sub', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' },
      { name: 'echo', version: '1', state: 'READY', reason: '' },
    ]);
    assert.deepEqual((await rpc(client, 'RepositoryIndex', { ready: true })).response?.models.map((m) => m.name), ['echo']);
    assert.equal((await rpc(client, 'ModelReady', { name: 'add-sub' })).response?.ready, false);
    assert.equal((await rpc(client, 'RepositoryModelLoad', { model_name: 'add-sub', parameters: { config: { string_param: '{}' } } })).code, status.OK);
    assert.equal((await rpc(client, 'ModelReady', { name: 'add-sub' })).response?.ready, true);
    assert.equal((await rpc(client, 'RepositoryModelLoad', { model_name: 'nope' })).code, status.INVALID_ARGUMENT);
    assert.deepEqual(upstream.counts.byProtocol, { http: 0, grpc: 7 });
  });

  it('injects the status faults, with a retry-after trailer', async () => {
    const cases = [
      [{ kind: 'status503', rate: 1, retryAfterSeconds: 3 }, status.UNAVAILABLE, '3'],
      [{ kind: 'status429', rate: 1 }, status.RESOURCE_EXHAUSTED, '1'],
      [{ kind: 'status500', rate: 1 }, status.INTERNAL, undefined],
      [{ kind: 'reset', rate: 1 }, status.UNAVAILABLE, undefined],
      [{ kind: 'cut', rate: 1 }, status.UNAVAILABLE, undefined],
    ] as const;
    for (const [plan, code, retryAfter] of cases) {
      upstream.faults.set(plan);
      const answer = await rpc(client, 'ModelInfer', typedAddSub);
      assert.equal(answer.code, code, plan.kind);
      assert.equal(answer.trailers.get('retry-after')[0], retryAfter, plan.kind);
    }
    assert.equal((await rpc(client, 'ServerLive', {})).code, status.OK, 'only inference is faulted by default');
    assert.deepEqual([upstream.counts.received, upstream.counts.faulted], [6, 5]);
  });

  it('answers malformed: outputs without data', async () => {
    upstream.faults.set({ kind: 'malformed', rate: 1 });
    const answer = await rpc(client, 'ModelInfer', typedAddSub);
    assert.equal(answer.code, status.OK);
    assert.equal(answer.response?.outputs.length, 1);
    assert.equal(answer.response?.outputs[0]?.contents, null);
    assert.deepEqual(answer.response?.raw_output_contents, []);
  });

  it('answers late when slow, and hangs until the deadline', async () => {
    upstream.faults.set({ kind: 'slow', rate: 1, slowMs: 150 });
    const started = performance.now();
    const slow = await rpc(client, 'ModelInfer', typedAddSub);
    assert.ok(performance.now() - started >= 140);
    assert.equal(slow.code, status.OK);
    upstream.faults.set({ kind: 'hang', rate: 1 });
    assert.equal((await rpc(client, 'ModelInfer', typedAddSub, 100)).code, status.DEADLINE_EXCEEDED);
    await until(() => upstream.counts.inFlight === 0);
  });

  it('faults about the share asked for', async () => {
    upstream.faults.set({ kind: 'status500', rate: 0.3 });
    const codes = await Promise.all(Array.from({ length: 400 }, () => rpc(client, 'ModelInfer', typedAddSub).then((answer) => answer.code)));
    const share = codes.filter((code) => code === status.INTERNAL).length / codes.length;
    assert.ok(Math.abs(share - 0.3) <= 0.07, `share ${share}`);
    assert.ok(codes.every((code) => code === status.OK || code === status.INTERNAL));
  });
});

describe('gRPC fault upstream: lifecycle', () => {
  it('close() ends hanging calls promptly', async () => {
    const upstream = await startKserveUpstream({ fault: { kind: 'hang', rate: 1 } });
    const client = new Service(upstream.grpcTarget, credentials.createInsecure());
    const hanging = rpc(client, 'ModelInfer', typedAddSub);
    await until(() => upstream.counts.inFlight === 1);
    const started = performance.now();
    await upstream.close();
    assert.equal((await hanging).code, status.UNAVAILABLE);
    assert.ok(performance.now() - started < 1000, 'close took too long');
    client.close();
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
