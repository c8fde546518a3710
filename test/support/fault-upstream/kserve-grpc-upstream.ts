import { join } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../../src/paths.js';
import { grpcRpcs } from './grpc-rpcs.js';
import type { UpstreamState } from './upstream-state.js';

/** The gRPC side of a fault upstream. */
export interface KserveGrpcUpstream {
  /** `127.0.0.1:<port>`, the target a grpc-js client takes. */
  readonly target: string;
  readonly port: number;
  /** Stops the server: calls still open after a short grace are cut. */
  close(): Promise<void>;
}

/** Messages as umbral's own gRPC server sees them (protocol/kserve/grpc-wire-types.ts). */
const PROTO_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, bytes: Buffer };
const CLOSE_GRACE_MS = 250;
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * Serves `inference.GRPCInferenceService` of proto/inference.proto (insecure) on `host`, port 0,
 * answering from `state` and injecting its faults.
 */
export async function startKserveGrpcUpstream(state: UpstreamState, host = '127.0.0.1'): Promise<KserveGrpcUpstream> {
  const definition = loadSync(join(PACKAGE_ROOT, 'proto', 'inference.proto'), PROTO_OPTIONS)['inference.GRPCInferenceService'] as ServiceDefinition;
  const server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES });
  server.addService(definition, grpcRpcs(state));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:0`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return { target: `${host}:${port}`, port, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, CLOSE_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
