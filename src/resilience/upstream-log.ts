import type { Logger } from 'pino';
import type { UpstreamObserver } from './upstream-observer.js';

/** One log line each time a server's circuit breaker changes state or its health check changes verdict. */
export function upstreamLog(logger: Pick<Logger, 'info' | 'warn'>): UpstreamObserver {
  return {
    breakerState(upstream, server, state, changed) {
      if (!changed) return;
      if (state === 'open') logger.warn({ upstream, server, breaker: state }, 'circuit breaker opened: calls to this server fail fast');
      else if (state === 'half-open') logger.info({ upstream, server, breaker: state }, 'circuit breaker half-open: one probe call goes through');
      else logger.info({ upstream, server, breaker: state }, 'circuit breaker closed: the server answers again');
    },
    health(upstream, server, healthy, changed) {
      if (!changed) return;
      if (healthy) logger.info({ upstream, server, healthy }, 'upstream server is healthy again');
      else logger.warn({ upstream, server, healthy }, 'upstream server failed its health check');
    },
  };
}

/** Reports to each observer in turn. */
export function observeAll(...observers: readonly UpstreamObserver[]): UpstreamObserver {
  return {
    attempt: (...args) => { for (const o of observers) o.attempt?.(...args); },
    retry: (...args) => { for (const o of observers) o.retry?.(...args); },
    budgetExhausted: (...args) => { for (const o of observers) o.budgetExhausted?.(...args); },
    breakerState: (...args) => { for (const o of observers) o.breakerState?.(...args); },
    health: (...args) => { for (const o of observers) o.health?.(...args); },
  };
}
