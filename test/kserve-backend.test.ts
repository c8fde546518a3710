import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { backendContract, type ContractFixture } from './support/backends/backend-contract.js';
import { KserveBackend } from '../src/backends/kserve/kserve-backend.js';
import type { Tensor } from '../src/protocol/tensor.js';
import { ECHO_MODEL_DIR, startTestServer, type TestServer } from './helpers/test-server.js';
import { testTempDir } from './helpers/temp-dir.js';

/** The echo fixture's inputs for sample i, and the outputs it returns (each input as `<name>_out`, and the row sums of fp32). */
function echoSample(i: number): { inputs: Tensor[]; expected: Tensor[] } {
  const inputs: Tensor[] = [
    { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: new Float32Array([i, 0.5, -i]) },
    { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: new Float64Array([0.25 * i, 1, 2]) },
    { name: 'int32', datatype: 'INT32', shape: [1, 3], data: new Int32Array([i, -i, 7]) },
    { name: 'int64', datatype: 'INT64', shape: [1, 3], data: new BigInt64Array([BigInt(i), 5n, -6n]) },
    { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: new Uint8Array([i % 256, 8, 255]) },
    { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: new Uint8Array([i % 2, 0, 1]) },
    { name: 'bytes', datatype: 'BYTES', shape: [1], data: [`hello ${i}`] },
  ];
  const sum: Tensor = { name: 'sum', datatype: 'FP32', shape: [1, 1], data: new Float32Array([i + 0.5 - i]) };
  return { inputs, expected: [...inputs.map((t) => ({ ...t, name: `${t.name}_out` })), sum] };
}

/** The kserve backend against a real umbral serving the echo fixture, over each protocol. */
describe('kserve backend against umbral', () => {
  let inner: TestServer;
  let dir: string;
  before(async () => {
    inner = await startTestServer({ models: { echo: ECHO_MODEL_DIR } });
    dir = testTempDir('umbral-kserve-');
  });
  after(async () => {
    await inner.shutdown('test over');
    rmSync(dir, { recursive: true, force: true });
  });

  const descriptor = (name: string, body: unknown) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const fixture = (protocol: 'http' | 'grpc') => async (): Promise<ContractFixture> => {
    const server = protocol === 'http' ? inner.url : inner.grpcUrl as string;
    return {
      backend: new KserveBackend(),
      valid: { model: 'remote-echo', version: '1', artifactPath: descriptor(`valid-${protocol}`, {
        backend: 'kserve', kserve: { protocol, servers: [server], model: 'echo' }, resilience: { health_check_interval_ms: 0 },
      }) },
      broken: { model: 'broken', version: '1', artifactPath: descriptor(`broken-${protocol}`, {
        backend: 'kserve', kserve: { protocol, servers: [] },
      }) },
      sample: (i) => {
        const { inputs, expected } = echoSample(i);
        return { request: { inputs, outputs: [] }, expected };
      },
    };
  };
  backendContract('kserve (http)', fixture('http'));
  backendContract('kserve (grpc)', fixture('grpc'));
});
