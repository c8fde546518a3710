import { Metadata, status, type handleUnaryCall, type ServerErrorResponse, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { encodeModelMetadata } from '../../../src/protocol/kserve/encode-metadata.js';
import { decodeGrpcInferRequest, encodeGrpcInferResponse } from '../../../src/protocol/kserve/grpc-codec.js';
import type { GrpcModelInferRequest, GrpcModelRequest } from '../../../src/protocol/kserve/grpc-wire-types.js';
import { isProtocolError } from '../../../src/protocol/kserve/protocol-error.js';
import type { FaultPlan } from './fault-plan.js';
import { MAX_ELEMENTS, SERVER_METADATA } from './http-routes.js';
import { UpstreamError } from './upstream-error.js';
import type { RouteKind, UpstreamState } from './upstream-state.js';

type Serve<Request> = (request: Request) => object;
type Outcome = { readonly response: object } | { readonly error: Partial<ServerErrorResponse> };

interface RepositoryRequest {
  readonly model_name?: string;
}

/**
 * The handlers of `inference.GRPCInferenceService`, every RPC of proto/inference.proto, answering
 * from `state` and injecting its faults.
 */
export function grpcRpcs(state: UpstreamState): UntypedServiceImplementation {
  const { repository } = state;
  return {
    ServerLive: unary(state, 'health', () => ({ live: true })),
    ServerReady: unary(state, 'health', () => ({ ready: state.ready })),
    ModelReady: unary(state, 'modelReady', (request: GrpcModelRequest) => ({ ready: repository.isReady(request.name ?? '', request.version ?? '') })),
    ServerMetadata: unary(state, 'metadata', () => SERVER_METADATA),
    ModelMetadata: unary(state, 'metadata', (request: GrpcModelRequest) => encodeModelMetadata(repository.serving(request.name ?? '', request.version ?? ''))),
    ModelInfer: unary(state, 'infer', (request: GrpcModelInferRequest) => {
      const decoded = decodeGrpcInferRequest(request, { maxElements: MAX_ELEMENTS });
      return encodeGrpcInferResponse(repository.infer(request.model_name ?? '', request.model_version ?? '', decoded), { raw: decoded.raw });
    }, malformedInfer),
    RepositoryIndex: unary(state, 'repository', (request: { ready?: boolean }) => ({ models: repository.index(request.ready === true) })),
    RepositoryModelLoad: unary(state, 'repository', (request: RepositoryRequest) => (repository.load(request.model_name ?? ''), {})),
    RepositoryModelUnload: unary(state, 'repository', (request: RepositoryRequest) => (repository.unload(request.model_name ?? ''), {})),
  };
}

/** `malformed` for ModelInfer: a well-formed message whose output carries no data at all. */
function malformedInfer(request: GrpcModelInferRequest): object {
  return { model_name: request.model_name ?? '', model_version: '1', id: request.id ?? '', outputs: [{ name: 'OUTPUT', datatype: 'FP32', shape: [1] }] };
}

function unary<Request>(state: UpstreamState, route: RouteKind, serve: Serve<Request>, malformed: Serve<Request> = () => ({})): handleUnaryCall<Request, object> {
  return (call, callback) => {
    const admission = state.admit(route, 'grpc');
    const gone = new AbortController();
    call.once('cancelled', () => {
      gone.abort();
      admission.finish();
    });
    answer(state, admission.fault, call, gone.signal, serve, malformed).then((outcome) => {
      admission.finish();
      if ('error' in outcome) callback(outcome.error);
      else callback(null, outcome.response);
    });
  };
}

async function answer<Request>(
  state: UpstreamState, fault: FaultPlan | undefined, call: ServerUnaryCall<Request, object>, gone: AbortSignal,
  serve: Serve<Request>, malformed: Serve<Request>,
): Promise<Outcome> {
  if (state.delayMs > 0 && !(await state.pause(state.delayMs, gone))) return closed();
  if (fault === undefined) return served(serve, call.request);
  switch (fault.kind) {
    case 'status503': return failure(status.UNAVAILABLE, 'injected fault: service unavailable', fault.retryAfterSeconds);
    case 'status429': return failure(status.RESOURCE_EXHAUSTED, 'injected fault: too many requests', fault.retryAfterSeconds ?? 1);
    case 'status500': return failure(status.INTERNAL, 'injected fault: internal error');
    // gRPC has no partial unary answer to cut short: a cut is a reset.
    case 'reset': case 'cut': return failure(status.UNAVAILABLE, 'injected fault: connection reset');
    case 'malformed': return { response: malformed(call.request) };
    case 'hang':
      await state.pause(undefined, gone);
      return closed();
    case 'slow':
      return (await state.pause(fault.slowMs ?? 1000, gone)) ? served(serve, call.request) : closed();
  }
}

function served<Request>(serve: Serve<Request>, request: Request): Outcome {
  try {
    return { response: serve(request) };
  } catch (error) {
    if (error instanceof UpstreamError) return failure(error.grpcCode, error.message);
    if (isProtocolError(error)) return failure(status.INVALID_ARGUMENT, error.message);
    return failure(status.INTERNAL, error instanceof Error ? error.message : String(error));
  }
}

/** A status with, when `retryAfterSeconds` is set, a `retry-after` trailer. */
function failure(code: status, details: string, retryAfterSeconds?: number): Outcome {
  const metadata = new Metadata();
  if (retryAfterSeconds !== undefined) metadata.set('retry-after', String(retryAfterSeconds));
  return { error: { code, details, metadata } };
}

function closed(): Outcome {
  return failure(status.UNAVAILABLE, 'upstream closed');
}
