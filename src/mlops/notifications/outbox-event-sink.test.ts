import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../store/database.js';
import { OutboxEventSink } from './outbox-event-sink.js';

/** A database that fails its first `failures` statements, then records inserts. */
function flakyDb(failures: number) {
  const inserted: unknown[][] = [];
  let calls = 0;
  const db: Queryable = {
    async query<Row extends object>(_sql: string, params?: readonly unknown[]): Promise<Row[]> {
      calls += 1;
      if (calls <= failures) throw new Error('connection refused');
      inserted.push([...(params ?? [])]);
      return [{ id: String(inserted.length) }] as unknown as Row[];
    },
  };
  return { db, inserted };
}

function logger() {
  const lines: Array<[string, unknown]> = [];
  return { lines, log: { warn: (o: unknown, m?: string) => { lines.push([String(m), o]); }, error: (o: unknown, m?: string) => { lines.push([String(m), o]); } } };
}

describe('OutboxEventSink', () => {
  it('returns at once, and writes in order what it held while the database failed', async () => {
    const { db, inserted } = flakyDb(3);
    const { log } = logger();
    const sink = new OutboxEventSink(db, log, { retryDelayMs: 1 });
    sink.emit({ type: 'drift.alert', model: 'm', summary: 'one' });
    sink.emit({ type: 'drift.alert', model: 'm', summary: 'two' });
    await sink.flushed();
    assert.deepEqual(inserted.map((p) => p[3]), ['one', 'two']);
  });

  it('gives up after its time, logging what it dropped, and never throws', async () => {
    const { db, inserted } = flakyDb(Number.POSITIVE_INFINITY);
    const { lines, log } = logger();
    const sink = new OutboxEventSink(db, log, { retryDelayMs: 1, giveUpAfterMs: 20 });
    sink.emit({ type: 'breaker.opened', summary: 'a' });
    sink.emit({ type: 'not.a.type' as never, summary: 'b' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    sink.emit({ type: 'breaker.opened', summary: 'c', details: cyclic });
    await sink.flushed();
    assert.equal(inserted.length, 0);
    const messages = lines.map(([m]) => m);
    assert.ok(messages.includes('events dropped before reaching the outbox'), messages.join('|'));
    assert.ok(messages.includes('an event of an unknown type was not recorded'));
    assert.ok(messages.includes('an event whose details are not JSON was not recorded'));
  });

  it('drops the oldest when its buffer is full, and says so', async () => {
    const { db, inserted } = flakyDb(1);
    const { lines, log } = logger();
    const sink = new OutboxEventSink(db, log, { retryDelayMs: 1, maxBuffered: 2 });
    for (const summary of ['1', '2', '3']) sink.emit({ type: 'job.failed', summary });
    await sink.flushed();
    assert.deepEqual(inserted.map((p) => p[3]), ['2', '3']);
    assert.ok(lines.some(([m, o]) => m === 'events dropped before reaching the outbox' && (o as { reason: string }).reason === 'the buffer is full'));
  });
});
