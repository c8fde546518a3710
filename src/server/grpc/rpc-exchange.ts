import { randomUUID } from 'node:crypto';
import { status, type Metadata } from '@grpc/grpc-js';
import type { UmbralError } from '../../errors/umbral-error.js';
import { grantAccess, type Grant } from '../grant-access.js';
import { rpcCaller } from './rpc-access.js';
import { toUmbral } from './rpc-status.js';
import { traceRpc } from './trace-rpc.js';
import type { Rpc, RpcContext, UnaryOptions } from './rpc-types.js';

/** One request as it arrived: on a unary call, or as one message of a stream. */
export interface Incoming<Request> {
  readonly method: string;
  readonly request: Request;
  readonly requestId: string;
  /** The call's metadata: the credentials and the trace context. */
  readonly metadata: Metadata;
  readonly peer: string;
  /** Fires when the request's work is no longer wanted. */
  readonly signal: AbortSignal;
}

/** How one request went: its value or its error, and what the log line and the trailers need. */
export type Exchange<T> = ({ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UmbralError }) & {
  readonly started: number;
  readonly context?: RpcContext;
  readonly grant?: Grant;
};

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is acceptable, else a fresh one. */
export function requestIdOf(metadata: Metadata): string {
  const given = metadata.get('x-request-id')[0];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}

/**
 * The steps every RPC request takes, unary or streamed: access control and limits as on HTTP, then
 * `work` in a server span. Never throws: a failure is the outcome, as `failure` names it (a hidden
 * 5xx is logged with its cause here).
 */
export async function exchange<Request, T>(
  rpc: Pick<Rpc<Request, unknown>, 'access' | 'model'>, options: UnaryOptions, incoming: Incoming<Request>,
  work: (request: Request, context: RpcContext) => Promise<T>, failure: (thrown: unknown) => UmbralError = toUmbral,
): Promise<Exchange<T>> {
  const started = performance.now();
  const { method, request, requestId } = incoming;
  let grant: Grant | undefined;
  let context: RpcContext | undefined;
  try {
    grant = await grantAccess(options, rpc.access, rpcCaller(incoming.metadata, incoming.peer, rpc.model?.(request) || undefined));
    context = { requestId, signal: incoming.signal, principal: grant.principal, metadata: incoming.metadata, timing: { backendMs: 0 } };
    const active = context;
    const value = await traceRpc(method, incoming.metadata, requestId, () => work(request, active));
    return { ok: true, value, started, context, grant };
  } catch (thrown) {
    const error = failure(thrown);
    if (error.status >= 500 && !error.exposed) options.logger.error({ reqId: requestId, method, err: error, code: error.code }, 'rpc failed');
    return { ok: false, error, started, context, grant };
  }
}

/** Ends a request: its rate-limit slot given back, one histogram observation and one log line. */
export function recordExchange(options: UnaryOptions, method: string, requestId: string, code: status, done: Exchange<unknown> | undefined,
  extra: Readonly<Record<string, unknown>> = {}): void {
  done?.grant?.admission?.release();
  const latencyMs = done ? Math.round((performance.now() - done.started) * 100) / 100 : 0;
  options.metrics.grpcRequestDuration.observe({ method, code: status[code] }, latencyMs / 1000);
  options.logger.info({
    reqId: requestId, protocol: 'grpc', method, code: status[code], latencyMs, ...extra, ...done?.context?.served,
    // Who called (`key:<id>`, `user:<name>`), never the credential itself.
    ...(done?.grant?.principal ? { principal: done.grant.principal.actor } : {}),
  }, 'rpc');
}
