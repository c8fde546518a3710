import { Metadata, status, type handleUnaryCall, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';
import { callSignal, type CallSignal } from './call-signal.js';
import { exchange, recordExchange, requestIdOf, type Exchange } from './rpc-exchange.js';
import { errorStatus, setHeaders, toUmbral } from './rpc-status.js';
import type { Rpc, RpcContext, UnaryOptions } from './rpc-types.js';

export type { Rpc, RpcContext, Served, UnaryOptions } from './rpc-types.js';

/**
 * A grpc-js handler for `rpc`: request id, access control and limits as on HTTP, cancellation and
 * deadline as an AbortSignal, errors as gRPC statuses (see rpc-status.ts), and one log line and
 * one histogram observation per call (rpc-exchange.ts, shared with streams). The request id
 * travels back in the `x-request-id` trailer.
 */
export function unary<Request, Response>(method: string, rpc: Rpc<Request, Response>, options: UnaryOptions): handleUnaryCall<Request, Response> {
  return (call, callback) => void serve(method, rpc, options, call, callback);
}

async function serve<Request, Response>(
  method: string, rpc: Rpc<Request, Response>, options: UnaryOptions,
  call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>,
): Promise<void> {
  const requestId = requestIdOf(call.metadata);
  const trailers = new Metadata();
  trailers.set('x-request-id', requestId);
  const cancel = callSignal(call, options.requestTimeoutMs);
  let done: Exchange<Response> | undefined;
  let code = status.OK;
  try {
    done = await exchange(rpc, options, { method, request: call.request, requestId, metadata: call.metadata, peer: call.getPeer(), signal: cancel.signal },
      (request, context) => rpc.handle(request, context), (thrown) => failure(thrown, cancel));
    setHeaders(trailers, done.grant?.admission?.headers ?? {});
    setOverhead(trailers, done.started, done.context);
    if (done.ok) {
      callback(null, done.value, trailers);
    } else {
      const answer = errorStatus(done.error, requestId, trailers);
      code = answer.code ?? status.UNKNOWN;
      callback(answer);
    }
  } finally {
    cancel.dispose();
    recordExchange(options, method, requestId, code, done);
  }
}

/** umbral's own share of the call's latency, who answered when a fallback did, and the variant of a split (as on HTTP). */
function setOverhead(trailers: Metadata, started: number, context: RpcContext | undefined): void {
  const overhead = performance.now() - started - (context?.timing.backendMs ?? 0);
  trailers.set('x-umbral-overhead-ms', Math.max(0, overhead).toFixed(2));
  const served = context?.served;
  if (served?.fallbackFor) trailers.set('x-umbral-fallback', `${served.model}:${served.version ?? ''}`);
  if (served?.cache) trailers.set('x-umbral-cache', served.cache);
  if (served?.variant) trailers.set('x-umbral-variant', served.variant);
}

/** The error to answer; a call the client's deadline cut short is DEADLINE_EXCEEDED, not CANCELLED. */
function failure(thrown: unknown, cancel: CallSignal): UmbralError {
  const error = toUmbral(thrown);
  const cutShort = cancel.deadlineExpired() && cancel.deadlineMs !== undefined && error.code === Errors.cancelled.code;
  return cutShort ? Errors.deadlineExceeded(cancel.deadlineMs as number) : error;
}
