import { context, SpanKind } from '@opentelemetry/api';
import { runInSpan, tracer, tracingEnabled } from '../observability/tracing.js';
import type { Deadline } from './deadline.js';
import { BrokenCircuitError } from './server-breaker.js';
import type { GroupEvents } from './upstream-observer.js';
import { isUpstreamError, UpstreamError } from './upstream-error.js';
import type { UpstreamServer } from './upstream-server.js';

/**
 * What a call does on one server: gets that server's client, a signal that fires at the deadline or
 * when the caller gives up, and the deadline itself (epoch ms, for protocols that carry it, as gRPC
 * does); throws UpstreamError for what went wrong upstream.
 */
export type UpstreamAttempt<C, T> = (client: C, signal: AbortSignal, deadline: number) => Promise<T>;

/**
 * Attempt number `n` of a call, on `server`: counted in its calls in flight, under its breaker, cut
 * at the deadline even when `work` ignores its signal (a timeout of this server, which its breaker
 * counts), traced as a client span when tracing is on, and reported with its outcome and duration.
 */
export async function attemptOn<C, T>(server: UpstreamServer<C>, n: number, deadline: Deadline, work: UpstreamAttempt<C, T>,
  events: Pick<GroupEvents, 'attempt'>): Promise<T> {
  const started = performance.now();
  server.begin();
  let outcome = 'ok';
  const run = () => server.breaker.execute(() => untilDeadline(server, deadline, work));
  try {
    return tracingEnabled ? await traced(server.url, n, run) : await run();
  } catch (error) {
    outcome = outcomeOf(error, deadline.signal);
    throw error;
  } finally {
    server.end();
    events.attempt(server.url, outcome, (performance.now() - started) / 1000);
  }
}

async function untilDeadline<C, T>(server: UpstreamServer<C>, deadline: Deadline, work: UpstreamAttempt<C, T>): Promise<T> {
  try {
    return await deadline.race(work(server.client, deadline.signal, deadline.at));
  } catch (error) {
    // Cut off by the deadline: a timeout of this server, which its breaker counts (a caller who left is not its fault).
    if (deadline.expired && !isUpstreamError(error)) throw new UpstreamError(`no answer from ${server.url} before the deadline`, 'timeout');
    throw error;
  }
}

/** The attempt inside a client span, made the active context so that the client sends its `traceparent`. */
function traced<T>(url: string, attempt: number, run: () => Promise<T>): Promise<T> {
  const span = tracer().startSpan('upstream attempt', { kind: SpanKind.CLIENT, attributes: { 'server.address': url, 'umbral.attempt': attempt } });
  return runInSpan(span, context.active(), run);
}

/** The `outcome` label of a failed attempt. */
function outcomeOf(error: unknown, signal: AbortSignal): string {
  if (isUpstreamError(error)) return error.failure === 'status' ? `status_${error.details.status ?? 'unknown'}` : error.failure;
  if (error instanceof BrokenCircuitError) return 'circuit_open';
  return signal.aborted ? 'cancelled' : 'error';
}
