import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { RouteAccess } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import type { AccessCheckOptions } from '../grant-access.js';

/** What served a call, for its log line. */
export interface Served {
  readonly model: string;
  readonly version?: string;
  readonly batchSize?: number;
  /** The model asked for, when a fallback answered (the `x-umbral-fallback` trailer names who did). */
  readonly fallbackFor?: string;
  /** hit or miss when the model's responses are cached (the `x-umbral-cache` trailer). */
  readonly cache?: 'hit' | 'miss' | 'stale';
  /** The traffic variant of a split model that served it (the `x-umbral-variant` trailer). */
  readonly variant?: string;
}

/** What an RPC's handler gets beside the request. */
export interface RpcContext {
  readonly requestId: string;
  /** Fires when the client cancels the call or its deadline passes. */
  readonly signal: AbortSignal;
  readonly principal: Principal | null;
  /** The call's metadata (its headers), read for a split model's sticky key and `x-umbral-variant`. */
  readonly metadata?: Metadata;
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
