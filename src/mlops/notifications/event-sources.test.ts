import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UmbralEvent } from '../events/umbral-event.js';
import { breakerEvents, loadFailureEvents } from './event-sources.js';

function collect() {
  const events: UmbralEvent[] = [];
  return { events, sink: { emit: (event: UmbralEvent) => { events.push(event); } } };
}

describe('event sources', () => {
  it('reports breakers that open or close, not where they start nor half-open, without credentials', () => {
    const { events, sink } = collect();
    const observer = breakerEvents(sink);
    observer.breakerState?.('m', 'http://user:pw@triton:8000', 'closed', false);
    observer.breakerState?.('m', 'http://user:pw@triton:8000', 'open', true);
    observer.breakerState?.('m', 'http://user:pw@triton:8000', 'half-open', true);
    observer.breakerState?.('m', 'http://user:pw@triton:8000', 'closed', true);
    assert.deepEqual(events.map((e) => `${e.type} ${e.model}`), ['breaker.opened m', 'breaker.closed m']);
    assert.ok(!JSON.stringify(events).includes('pw'));
  });

  it('reports a load failure once until the version loads or an hour passes', () => {
    const { events, sink } = collect();
    let now = 0;
    const observer = loadFailureEvents(sink, () => now);
    observer.loadFailed('m', '2', 'connection refused');
    observer.loadFailed('m', '2', 'connection refused');
    observer.loadFailed('m', undefined, 'model.yaml: bad');
    assert.equal(events.length, 2);
    observer.loaded?.('m', '2');
    observer.loadFailed('m', '2', 'connection refused');
    now += 3_600_001;
    observer.loadFailed('m', '2', 'connection refused');
    assert.deepEqual(events.map((e) => `${e.type} ${e.version ?? '-'}`), ['model.load_failed 2', 'model.load_failed -', 'model.load_failed 2', 'model.load_failed 2']);
  });
});
