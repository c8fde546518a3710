import { join } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import type { Access } from '../../access/open-access.js';
import type { Config } from '../../config/schema.js';
import type { DataPlane } from '../../inference/data-plane.js';
import type { Metrics } from '../../observability/metrics.js';
import { PACKAGE_ROOT } from '../../paths.js';
import type { Readiness } from '../readiness.js';
import { extensionRpcs, type ExtensionRpcs } from './extension-rpcs.js';
import { healthService } from './health-service.js';
import { inferenceRpcs, type InferenceRpcs } from './inference-rpcs.js';
import type { LlmPlane } from '../../inference/llm-plane.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { streamInfer } from './stream-infer-rpc.js';
import { unary, type UnaryOptions } from './unary-rpc.js';

/** umbral's service definition (package `inference`), shipped in the package's `proto/` folder. */
export const INFERENCE_PROTO = join(PACKAGE_ROOT, 'proto', 'inference.proto');

/** How messages look in JavaScript: the shapes protocol/kserve/grpc-wire-types.ts describes. */
export const PROTO_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, bytes: Buffer };

export interface GrpcServerDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The data plane's one front, as the REST routes call it. */
  readonly plane: DataPlane;
  readonly readiness: Readiness;
  readonly access: Access;
  /** The data plane's front for LLM calls (ModelStreamInfer streams an LLM's text). */
  readonly llm: LlmPlane;
  /** Token and call counts of LLM calls (the HTTP routes feed the same). */
  readonly llmObserver?: LlmUsageObserver;
}

/** The gRPC listener beside the HTTP one. */
export interface GrpcServer {
  readonly port: number;
  /** `host:port`, the target gRPC clients and grpcurl take. */
  readonly target: string;
  /** Stops taking calls, lets those in flight finish within `timeoutMs`, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

/** Serves `inference.GRPCInferenceService` on `grpc.port` of `server.host`, messages up to `server.bodyLimitBytes`. */
export async function startGrpcServer(deps: GrpcServerDeps): Promise<GrpcServer> {
  const { config } = deps;
  const definition = loadSync(INFERENCE_PROTO, PROTO_OPTIONS)['inference.GRPCInferenceService'] as ServiceDefinition;
  const server = new Server({ 'grpc.max_receive_message_length': config.server.bodyLimitBytes });
  server.addService(definition, implementation(deps));
  const health = healthService(deps.readiness, unaryOptions(deps));
  server.addService(health.definition, health.implementation);
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${config.grpc.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    port, target: `${host}:${port}`,
    close: (timeoutMs) => {
      // Watch streams last as long as their clients: they end here, after their last status, or the drain would wait for them.
      health.close();
      return close(server, timeoutMs);
    },
  };
}

function unaryOptions(deps: GrpcServerDeps): UnaryOptions {
  return {
    enforced: deps.access.enforced, authenticator: deps.access.authenticator, limiter: deps.access.limiter,
    metrics: deps.metrics, logger: deps.logger, requestTimeoutMs: deps.config.server.requestTimeoutMs,
  };
}

function implementation(deps: GrpcServerDeps): UntypedServiceImplementation {
  const rpcs = inferenceRpcs(deps);
  const options = unaryOptions(deps);
  const handlers = {
    ServerLive: unary('ServerLive', rpcs.ServerLive, options),
    ServerReady: unary('ServerReady', rpcs.ServerReady, options),
    ModelReady: unary('ModelReady', rpcs.ModelReady, options),
    ServerMetadata: unary('ServerMetadata', rpcs.ServerMetadata, options),
    ModelMetadata: unary('ModelMetadata', rpcs.ModelMetadata, options),
    ModelInfer: unary('ModelInfer', rpcs.ModelInfer, options),
    RepositoryIndex: unary('RepositoryIndex', rpcs.RepositoryIndex, options),
    RepositoryModelLoad: unary('RepositoryModelLoad', rpcs.RepositoryModelLoad, options),
    RepositoryModelUnload: unary('RepositoryModelUnload', rpcs.RepositoryModelUnload, options),
  } satisfies Record<keyof InferenceRpcs, unknown>;
  // Triton's configuration and statistics extensions.
  const extensions = extensionRpcs(deps);
  const extensionHandlers = {
    ModelConfig: unary('ModelConfig', extensions.ModelConfig, options),
    ModelStatistics: unary('ModelStatistics', extensions.ModelStatistics, options),
  } satisfies Record<keyof ExtensionRpcs, unknown>;
  return { ...handlers, ...extensionHandlers, ModelStreamInfer: streamInfer({ modelInfer: rpcs.ModelInfer, llm: deps.llm, llmObserver: deps.llmObserver, options }) };
}

function close(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
