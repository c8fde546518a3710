import { join } from 'node:path';
import {
  credentials, loadPackageDefinition, Metadata, status, type Client, type ServiceClientConstructor, type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { injectTraceContext } from '../../observability/tracing.js';
import { PACKAGE_ROOT } from '../../paths.js';
import { decodeGrpcInferResponse } from '../../protocol/kserve/decode-infer-response.js';
import { encodeGrpcInferRequest } from '../../protocol/kserve/grpc-client-codec.js';
import type { GrpcModelInferResponse } from '../../protocol/kserve/grpc-wire-types.js';
import { ProtocolError } from '../../protocol/kserve/protocol-error.js';
import type { ModelMetadataResponse } from '../../protocol/kserve/wire-types.js';
import type { Tensor } from '../../protocol/tensor.js';
import { UpstreamError } from '../../resilience/upstream-error.js';
import type { KserveClient, RemoteInfer, RemoteModel } from './kserve-client.js';

let service: ServiceClientConstructor | undefined;

/** The client class of `inference.GRPCInferenceService`, built from the proto on first use (not at every start). */
function serviceClient(): ServiceClientConstructor {
  if (service) return service;
  const definition = loadSync(join(PACKAGE_ROOT, 'proto', 'inference.proto'), {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, bytes: Buffer,
  });
  service = (loadPackageDefinition(definition).inference as Record<string, ServiceClientConstructor>).GRPCInferenceService as ServiceClientConstructor;
  return service;
}

type ServiceClient = Client & Record<string, (...args: unknown[]) => unknown>;

/** gRPC codes as the HTTP statuses the resilience layer classifies (UNAVAILABLE is retried, INTERNAL is not). */
const HTTP_STATUS: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400, [status.NOT_FOUND]: 404, [status.UNAUTHENTICATED]: 401, [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429, [status.UNIMPLEMENTED]: 501, [status.INTERNAL]: 500, [status.UNKNOWN]: 500,
  [status.FAILED_PRECONDITION]: 400, [status.OUT_OF_RANGE]: 400, [status.ALREADY_EXISTS]: 409, [status.ABORTED]: 503,
};

/**
 * One Open Inference Protocol server over gRPC (`inference.GRPCInferenceService`, Triton's service):
 * tensors in raw contents, the caller's signal cancels the call, headers travel as metadata.
 */
export class KserveGrpcClient implements KserveClient {
  readonly #client: ServiceClient;

  constructor(readonly url: string, private readonly headers: Readonly<Record<string, string>>, private readonly maxElements: number) {
    const Service = serviceClient();
    this.#client = new Service(url.replace(/^grpc:\/\//, ''), credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.keepalive_time_ms': 30_000,
    }) as ServiceClient;
  }

  async infer(model: RemoteModel, request: RemoteInfer, signal: AbortSignal, deadline?: number): Promise<Tensor[]> {
    const answer = await this.#call<GrpcModelInferResponse>('ModelInfer', encodeGrpcInferRequest(model.name, model.version, request), signal, deadline);
    try {
      return decodeGrpcInferResponse(answer, { maxElements: this.maxElements });
    } catch (error) {
      if (error instanceof ProtocolError) throw new UpstreamError(`${this.url}: malformed answer: ${error.args.join(': ')}`, 'protocol');
      throw error;
    }
  }

  async metadata(model: RemoteModel, signal: AbortSignal): Promise<ModelMetadataResponse> {
    return this.#call<ModelMetadataResponse>('ModelMetadata', { name: model.name, version: model.version ?? '' }, signal);
  }

  async ready(model: RemoteModel, signal: AbortSignal): Promise<boolean> {
    const server = await this.#call<{ ready: boolean }>('ServerReady', {}, signal);
    if (!server.ready) return false;
    return (await this.#call<{ ready: boolean }>('ModelReady', { name: model.name, version: model.version ?? '' }, signal)).ready;
  }

  async repositoryIndex(signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    return (await this.#call<{ models: Array<Record<string, unknown>> }>('RepositoryIndex', {}, signal)).models;
  }

  async repositoryChange(model: string, action: 'load' | 'unload', signal: AbortSignal): Promise<void> {
    await this.#call(action === 'load' ? 'RepositoryModelLoad' : 'RepositoryModelUnload', { model_name: model }, signal);
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  #call<T>(method: string, request: object, signal: AbortSignal, deadline?: number): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const metadata = new Metadata();
    const headers: Record<string, string> = { ...this.headers };
    injectTraceContext(headers);
    for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
    return new Promise<T>((resolve, reject) => {
      const options = deadline === undefined ? {} : { deadline: new Date(deadline) };
      const call = this.#client[method]?.(request, metadata, options, (error: ServiceError | null, response: T) => {
        signal.removeEventListener('abort', cancel);
        if (signal.aborted) reject(signal.reason as Error);
        else if (error) reject(grpcFailure(this.url, error));
        else resolve(response);
      }) as { cancel(): void } | undefined;
      const cancel = () => call?.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  }
}

/** A failed call as the resilience layer classifies it. */
function grpcFailure(url: string, error: ServiceError): UpstreamError {
  const message = error.details || error.message;
  if (error.code === status.UNAVAILABLE) return new UpstreamError(`${url}: UNAVAILABLE: ${message}`, 'connect', { status: 503 });
  if (error.code === status.DEADLINE_EXCEEDED) return new UpstreamError(`${url}: DEADLINE_EXCEEDED`, 'timeout');
  const retryAfter = error.metadata?.get('retry-after')[0];
  const retryAfterMs = typeof retryAfter === 'string' && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  return new UpstreamError(`${url}: ${status[error.code]}: ${message}`, 'status', {
    status: HTTP_STATUS[error.code] ?? 500, upstreamMessage: message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
