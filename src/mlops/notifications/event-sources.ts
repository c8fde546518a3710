import type { ModelLoadObserver } from '../../inference/model-load-observer.js';
import type { UpstreamObserver } from '../../resilience/upstream-observer.js';
import type { EventSink } from '../events/umbral-event.js';

/** A failure already reported is reported again only after this long (a remote model retried every resync). */
const REPEAT_AFTER_MS = 3_600_000;
const MAX_REASON = 500;

/**
 * `breaker.opened` and `breaker.closed` from the upstream groups' reports (the group is the model).
 * Only moves count (`changed`), not the state a new group starts in; half-open is no news.
 */
export function breakerEvents(sink: EventSink): UpstreamObserver {
  return {
    breakerState(model, server, state, changed) {
      if (!changed || state === 'half-open') return;
      const where = withoutCredentials(server);
      sink.emit(state === 'open'
        ? { type: 'breaker.opened', model, summary: `${model}: circuit breaker opened for ${where}; calls to it fail fast`, details: { server: where } }
        : { type: 'breaker.closed', model, summary: `${model}: circuit breaker closed for ${where}; it answers again`, details: { server: where } });
    },
  };
}

/**
 * `model.load_failed` from ModelHost: once per model, version and reason until the version loads
 * (or an hour passes), so a model retried on every resync is not news each time.
 */
export function loadFailureEvents(sink: EventSink, now: () => number = Date.now): ModelLoadObserver {
  const reported = new Map<string, number>();
  return {
    loadFailed(model, version, reason) {
      const key = `${model}\u0000${version ?? ''}\u0000${reason}`;
      const last = reported.get(key);
      if (last !== undefined && now() - last < REPEAT_AFTER_MS) return;
      reported.set(key, now());
      const text = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
      sink.emit({
        type: 'model.load_failed', model, ...(version === undefined ? {} : { version }),
        summary: version === undefined ? `${model} cannot be served: ${text}` : `${model} version ${version} failed to load: ${text}`,
        details: { reason: text },
      });
    },
    loaded(model, version) {
      const prefix = `${model}\u0000${version}\u0000`;
      for (const key of reported.keys()) if (key.startsWith(prefix) || key.startsWith(`${model}\u0000\u0000`)) reported.delete(key);
    },
  };
}

/** A server address as safe to show: user and password of a URL removed. */
function withoutCredentials(server: string): string {
  try {
    const url = new URL(server);
    if (url.username === '' && url.password === '') return server;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return server.replace(/^[^@/]*@/, '');
  }
}
