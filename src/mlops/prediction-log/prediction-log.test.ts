import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { PredictionEvent } from '../../inference/prediction-observer.js';
import { registerPredictionLogMetrics } from '../../observability/prediction-log-metrics.js';
import type { EventType, UmbralEvent } from '../events/umbral-event.js';
import { PredictionLog, type PredictionLogOptions } from './prediction-log.js';
import type { PredictionRecord } from './prediction-record.js';
import type { PredictionSink } from './prediction-sink.js';
import { SpillFile } from './spill-file.js';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** A database that can be taken down, and that refuses records whose request id starts with `bad`. */
class FaultySink implements PredictionSink {
  readonly rows = new Map<string, PredictionRecord>();
  down = false;
  writes = 0;
  async write(records: readonly PredictionRecord[]): Promise<void> {
    this.writes += 1;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (records.some((r) => r.requestId.startsWith('bad'))) throw new Error('invalid byte sequence');
    for (const record of records) if (!this.rows.has(record.id)) this.rows.set(record.id, record);
  }
  unavailable(error: unknown): boolean {
    return (error as { code?: string }).code === 'ECONNREFUSED';
  }
  requestIds(): string[] {
    return [...this.rows.values()].map((r) => r.requestId);
  }
}

const event = (requestId: string): PredictionEvent => ({
  requestId, model: 'm', version: '1', variant: null, endedAt: Date.now(), latencyMs: 1, principal: null, status: 200, errorCode: null,
  payload: 'none', inputs: null, outputs: null,
});

async function setUp(options: Partial<PredictionLogOptions> & { maxBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'umbral-plog-'));
  dirs.push(dir);
  const sink = new FaultySink();
  const registry = new Registry();
  const events: UmbralEvent[] = [];
  const spill = await SpillFile.open<PredictionRecord>({ dir, maxBytes: options.maxBytes ?? 10_000_000 });
  const metrics = registerPredictionLogMetrics(registry);
  const make = (s = spill) => new PredictionLog({
    sink, spill: s, logger: pino({ level: 'silent' }), metrics, events: { emit: (e) => events.push(e) },
    queueSize: 100, batchSize: 10, flushIntervalMs: 60_000, retryInitialMs: 1, retryMaxMs: 2, spillAfterMs: 5, ...options,
  });
  const counts = async () => {
    const text = await registry.metrics();
    const value = (outcome: string) => Number(new RegExp(`outcome="${outcome}"} (\\d+)`).exec(text)?.[1] ?? 0);
    return { written: value('written'), spilled: value('spilled'), replayed: value('replayed'), dropped: value('dropped'), text };
  };
  const typesOf = (): EventType[] => events.map((e) => e.type);
  return { dir, sink, spill, make, counts, typesOf };
}

describe('prediction log', () => {
  it('writes queued predictions in batches when a batch fills or on flush', async () => {
    const { sink, make, counts } = await setUp();
    const log = make();
    for (let i = 0; i < 25; i++) log.predicted(event(`r${i}`));
    await log.flush();
    assert.equal(sink.rows.size, 25);
    assert.ok(sink.writes <= 4, `${sink.writes} writes for 25 records in batches of 10`);
    assert.equal((await counts()).written, 25);
    await log.close();
  });

  it('drops what does not fit in the queue, counts it, and reports the episode once', async () => {
    const { make, counts, typesOf } = await setUp({ queueSize: 5, batchSize: 1000 });
    const log = make();
    for (let i = 0; i < 8; i++) log.predicted(event(`r${i}`));
    const { dropped, text } = await counts();
    assert.equal(dropped, 3);
    assert.match(text, /umbral_prediction_log_queue_depth 5/);
    assert.deepEqual(typesOf(), ['prediction_log.dropping']);
    await log.close();
    assert.equal((await counts()).written, 5);
  });

  it('drops only the record the database refuses, not its batch', async () => {
    const { sink, make, counts } = await setUp();
    const log = make();
    for (const id of ['a', 'bad', 'c']) log.predicted(event(id));
    await log.flush();
    assert.deepEqual(sink.requestIds().sort(), ['a', 'c']);
    assert.equal((await counts()).dropped, 1);
    await log.close();
  });

  it('retries, then spills while the database is down, and replays in order exactly once when it is back', async () => {
    const { sink, spill, make, counts, typesOf } = await setUp();
    const log = make();
    sink.down = true;
    for (let i = 0; i < 30; i++) log.predicted(event(`r${i}`));
    await log.flush();
    assert.equal(sink.rows.size, 0);
    assert.ok(spill.bytes > 0);
    assert.equal((await counts()).spilled, 30);
    assert.match((await counts()).text, /umbral_prediction_log_spilling 1/);
    assert.deepEqual(typesOf(), ['prediction_log.spilling']);
    log.predicted(event('r30'));
    sink.down = false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    await log.flush();
    assert.deepEqual(sink.requestIds(), Array.from({ length: 31 }, (_, i) => `r${i}`), 'spilled records first, in order, then the new one');
    assert.equal(spill.empty, true);
    const after = await counts();
    assert.deepEqual([after.replayed, after.written], [30, 1]);
    assert.match(after.text, /umbral_prediction_log_spilling 0/);
    await log.close();
  });

  it('replays at start what a previous process spilled, and spills everything on close while the database is down', async () => {
    const { dir, sink, make } = await setUp();
    sink.down = true;
    const first = make();
    for (let i = 0; i < 12; i++) first.predicted(event(`r${i}`));
    await first.close();
    sink.down = false;
    const second = make(await SpillFile.open<PredictionRecord>({ dir, maxBytes: 10_000_000 }));
    await second.flush();
    assert.deepEqual(sink.requestIds(), Array.from({ length: 12 }, (_, i) => `r${i}`));
    await second.close();
  });

  it('drops, counted, what the full spill directory cannot take', async () => {
    const { sink, make, counts, typesOf } = await setUp({ maxBytes: 8_000 });
    const log = make();
    sink.down = true;
    for (let i = 0; i < 30; i++) log.predicted(event(`r${i}`));
    await log.close();
    const { spilled, dropped } = await counts();
    assert.equal(spilled + dropped, 30);
    assert.ok(dropped > 0 && spilled > 0, `spilled ${spilled}, dropped ${dropped}`);
    assert.deepEqual(typesOf(), ['prediction_log.spilling', 'prediction_log.dropping']);
  });
});
