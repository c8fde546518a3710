import { randomUUID } from 'node:crypto';
import { Metadata, status, type handleUnaryCall, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { RouteAccess } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';
import { callSignal, type CallSignal } from './call-signal.js';
import { grantAccess, type AccessCheckOptions, type Grant } from '../grant-access.js';
import { rpcCaller } from './rpc-access.js';
import { traceRpc } from './trace-rpc.js';
import { errorStatus, setHeaders, toUmbral } from './rpc-status.js';

/** What served a call, for its log line. */
export interface Served {
  readonly model: string;
  readonly version?: string;
  readonly batchSize?: number;
  /** The model asked for, when a fallback answered (the `x-umbral-fallback` trailer names who did). */
  readonly fallbackFor?: string;
  /** hit or miss when the model's responses are cached (the `x-umbral-cache` trailer). */
  readonly cache?: 'hit' | 'miss' | 'stale';
}

/** What an RPC's handler gets beside the request. */
export interface RpcContext {
  readonly requestId: string;
  /** Fires when the client cancels the call or its deadline passes. */
  readonly signal: AbortSignal;
  readonly principal: Principal | null;
  /** Set by the handler: what served the call (the log line shows it). */
  served?: Served;
  /** Time spent in backends (model runs, upstream calls), for the `x-umbral-overhead-ms` trailer. */
  readonly timing: { backendMs: number };
}

/** One unary RPC: the access it needs, the model it is about, and what it does. */
export interface Rpc<Request, Response> {
  /** As an HTTP route's `config.access`: public, authenticated, or a permission. */
  readonly access: RouteAccess;
  /** The model the request names, for the allow-list and the model's rate limits. */
  model?(request: Request): string | undefined;
  /** Answers, or throws a catalogue error (or a codec's ProtocolError). */
  handle(request: Request, context: RpcContext): Promise<Response>;
}

export interface UnaryOptions extends AccessCheckOptions {
  readonly logger: Logger;
  /** The server's deadline of one request; a client's shorter gRPC deadline replaces it. */
  readonly requestTimeoutMs: number;
}

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A grpc-js handler for `rpc`: request id, access control and limits as on HTTP, cancellation and
 * deadline as an AbortSignal, errors as gRPC statuses (see rpc-status.ts), and one log line and
 * one histogram observation per call. The request id travels back in the `x-request-id` trailer.
 */
export function unary<Request, Response>(method: string, rpc: Rpc<Request, Response>, options: UnaryOptions): handleUnaryCall<Request, Response> {
  return (call, callback) => void serve(method, rpc, options, call, callback);
}

async function serve<Request, Response>(
  method: string, rpc: Rpc<Request, Response>, options: UnaryOptions,
  call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>,
): Promise<void> {
  const started = performance.now();
  const given = call.metadata.get('x-request-id')[0];
  const requestId = typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
  const trailers = new Metadata();
  trailers.set('x-request-id', requestId);
  const cancel = callSignal(call, options.requestTimeoutMs);
  let grant: Grant | undefined;
  let context: RpcContext | undefined;
  let code = status.OK;
  try {
    grant = await grantAccess(options, rpc.access, rpcCaller(call.metadata, call.getPeer(), rpc.model?.(call.request) || undefined));
    setHeaders(trailers, grant.admission?.headers ?? {});
    context = { requestId, signal: cancel.signal, principal: grant.principal, timing: { backendMs: 0 } };
    const active = context;
    const response = await traceRpc(method, call.metadata, requestId, () => rpc.handle(call.request, active));
    setOverhead(trailers, started, context);
    callback(null, response, trailers);
  } catch (thrown) {
    const error = failure(thrown, cancel);
    if (error.status >= 500 && !error.exposed) options.logger.error({ reqId: requestId, method, err: error, code: error.code }, 'rpc failed');
    setOverhead(trailers, started, context);
    const answer = errorStatus(error, requestId, trailers);
    code = answer.code ?? status.UNKNOWN;
    callback(answer);
  } finally {
    cancel.dispose();
    grant?.admission?.release();
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    options.metrics.grpcRequestDuration.observe({ method, code: status[code] }, latencyMs / 1000);
    options.logger.info({
      reqId: requestId, protocol: 'grpc', method, code: status[code], latencyMs, ...context?.served,
      // Who called (`key:<id>`, `user:<name>`), never the credential itself.
      ...(grant?.principal ? { principal: grant.principal.actor } : {}),
    }, 'rpc');
  }
}

/** umbral's own share of the call's latency, and who answered when a fallback did (as on HTTP). */
function setOverhead(trailers: Metadata, started: number, context: RpcContext | undefined): void {
  const overhead = performance.now() - started - (context?.timing.backendMs ?? 0);
  trailers.set('x-umbral-overhead-ms', Math.max(0, overhead).toFixed(2));
  const served = context?.served;
  if (served?.fallbackFor) trailers.set('x-umbral-fallback', `${served.model}:${served.version ?? ''}`);
  if (served?.cache) trailers.set('x-umbral-cache', served.cache);
}

/** The error to answer; a call the client's deadline cut short is DEADLINE_EXCEEDED, not CANCELLED. */
function failure(thrown: unknown, cancel: CallSignal): UmbralError {
  const error = toUmbral(thrown);
  const cutShort = cancel.deadlineExpired() && cancel.deadlineMs !== undefined && error.code === Errors.cancelled.code;
  return cutShort ? Errors.deadlineExceeded(cancel.deadlineMs as number) : error;
}
