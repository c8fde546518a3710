import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { grpcClient, rawInput, rpc, trailer } from './helpers/grpc-client.js';
import { startTestServer } from './helpers/test-server.js';

const HEAVY = { 'heavy-mlp': join(BUNDLED_MODELS_DIR, 'heavy-mlp') };
const heavyRequest = (rows: number) => {
  const { input, raw } = rawInput({ name: 'input', datatype: 'FP32', shape: [rows, 256], data: Array<number>(rows * 256).fill(0.25) });
  return { model_name: 'heavy-mlp', inputs: [input], raw_input_contents: [raw] };
};

/** Whether a TCP connection to the port is accepted. */
const accepts = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

describe('gRPC deadlines', () => {
  it('honours the client\'s deadline when shorter than the server\'s: the call is DEADLINE_EXCEEDED and its work is dropped', async () => {
    const server = await startTestServer({ models: HEAVY });
    const client = grpcClient(server.grpcUrl as string);
    try {
      // Connected first, so that the deadline is spent on the server rather than on the handshake.
      assert.equal((await rpc(client, 'ServerLive', {})).code, status.OK);
      // Work queued ahead of the call with a deadline (about 2 s on a 2-core machine).
      const deadlineMs = 200;
      const started = performance.now();
      const queue = Promise.all(Array.from({ length: 300 }, () => rpc(client, 'ModelInfer', heavyRequest(64))));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const answer = await rpc(client, 'ModelInfer', heavyRequest(64), { deadlineMs, metadata: { 'x-request-id': 'deadline-1' } });
      assert.equal(status[answer.code], 'DEADLINE_EXCEEDED');
      assert.ok((await queue).every((a) => a.code === status.OK));
      const queueMs = performance.now() - started;
      assert.ok(queueMs > 2 * deadlineMs, `the queue took ${queueMs} ms, too little to tell`);
      // Its work was dropped: the queue's 300 requests ran, the late one did not (however busy the
      // machine, whenever the server heard of the cancellation: before reading the call or while it was queued).
      const succeeded = (await server.metrics.requestSuccess.get()).values.find((v) => v.labels.model === 'heavy-mlp')?.value;
      assert.equal(succeeded, 300);
      // When the server did take the call, its log line says DEADLINE_EXCEEDED, or CANCELLED when the
      // client's cancellation (sent at the same deadline) arrived first: the wire cannot tell them apart.
      for (const line of server.logLines().filter((l) => l.reqId === 'deadline-1')) {
        assert.match(String(line.code), /^(DEADLINE_EXCEEDED|CANCELLED)$/);
      }
    } finally {
      client.close();
      await server.shutdown('test over');
    }
  });

  it('answers DEADLINE_EXCEEDED with the catalogue code when server.requestTimeoutMs passes first', async () => {
    // The deadline is under test, not admission (whose default target is the deadline itself).
    const server = await startTestServer({ models: HEAVY, overrides: { 'server.requestTimeoutMs': 1, 'batching.maxQueueWaitMs': 600_000 } });
    const client = grpcClient(server.grpcUrl as string);
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => rpc(client, 'ModelInfer', heavyRequest(64))));
      const late = answers.filter((a) => a.code === status.DEADLINE_EXCEEDED);
      assert.ok(late.length > 0, answers.map((a) => status[a.code]).join());
      for (const answer of late) assert.equal(trailer(answer, 'x-umbral-error-code'), 'UMBRAL_ERR_DEADLINE_EXCEEDED');
    } finally {
      client.close();
      await server.shutdown('test over');
    }
  });
});

describe('gRPC listener lifecycle', () => {
  // A shutdown timeout far longer than the test's own: waiting for it would fail the test.
  it('closes its port on shutdown while idle, without waiting for the shutdown timeout', { timeout: 60_000 }, async () => {
    const server = await startTestServer({ overrides: { 'server.shutdownTimeoutMs': 600_000 } });
    const client = grpcClient(server.grpcUrl as string);
    const port = server.grpcPort as number;
    assert.equal((await rpc(client, 'ServerLive', {})).code, status.OK, 'a connection is open');
    await server.shutdown('test');
    assert.equal(await accepts(port), false, 'the port is closed');
    assert.equal((await rpc(client, 'ServerLive', {}, { deadlineMs: 2000 })).code, status.UNAVAILABLE);
    client.close();
  });

  it('lets a call in flight finish during shutdown, and refuses new ones', async () => {
    const server = await startTestServer({ models: HEAVY });
    const client = grpcClient(server.grpcUrl as string);
    const inFlight = rpc(client, 'ModelInfer', heavyRequest(64));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stopping = server.shutdown('test');
    const [answer] = await Promise.all([inFlight, stopping]);
    assert.equal(answer.code, status.OK, answer.error?.details);
    assert.notEqual((await rpc(client, 'ServerLive', {}, { deadlineMs: 2000 })).code, status.OK);
    client.close();
  });

  it('serves no gRPC when grpc.enabled is false', async () => {
    const server = await startTestServer({ overrides: { 'grpc.enabled': false } });
    try {
      assert.equal(server.grpcUrl, undefined);
      assert.equal(server.grpcPort, undefined);
    } finally {
      await server.shutdown('test over');
    }
  });
});
