import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { PredictionEvent, PredictionObserver } from '../../inference/prediction-observer.js';
import type { PredictionLogMetrics, PredictionOutcome } from '../../observability/prediction-log-metrics.js';
import { NO_EVENTS, type EventSink } from '../events/umbral-event.js';
import { DropReport } from './drop-report.js';
import type { PredictionRecord } from './prediction-record.js';
import type { PredictionSink } from './prediction-sink.js';
import type { SpillFile } from './spill-file.js';
import { toPredictionRecord } from './to-prediction-record.js';

export interface PredictionLogOptions {
  readonly sink: PredictionSink;
  /** Where records go while the sink cannot be reached; without it they are dropped (counted). */
  readonly spill?: SpillFile<PredictionRecord>;
  readonly logger: Logger;
  readonly metrics?: PredictionLogMetrics;
  /** Where `prediction_log.spilling` and `prediction_log.dropping` go. */
  readonly events?: EventSink;
  /** Events held in memory at most; past it new ones are dropped. */
  readonly queueSize: number;
  /** Records per write. */
  readonly batchSize: number;
  /** A timer flushes what is queued this often (and probes a database that was down). */
  readonly flushIntervalMs: number;
  /** Backoff of retries: the first wait, doubled each time (with jitter) up to the maximum. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** How long a failing write is retried before its records are spilled (sooner when the queue is half full). */
  readonly spillAfterMs: number;
  /** Jitter (default Math.random). */
  readonly random?: () => number;
}

/**
 * The prediction log: the data plane hands it ended requests (`predicted`, synchronous, O(1)); a
 * background flusher turns them into records (payload, prediction, features) and writes them in
 * batches. When the sink cannot be reached, writes are retried with backoff, then records go to the
 * spill file, which is replayed in order (before anything newer) once the sink answers again, and
 * at start for what a crashed process left. Records carry their id from the moment they are made,
 * so a replay writes each exactly once. What a bound drops is counted and reported.
 */
export class PredictionLog implements PredictionObserver {
  readonly #o: PredictionLogOptions;
  readonly #events: EventSink;
  readonly #drops: DropReport;
  #queue: PredictionEvent[] = [];
  #spilling = false;
  /** While spilling: when the sink is next probed (by a replay). */
  #probeAt = 0;
  #probeDelay: number;
  #closing = false;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #next: Promise<void> | undefined;
  #wake = new AbortController();
  /** Segments whose lost lines were counted (a replay that fails midway reads a segment again). */
  readonly #lossCounted = new Set<string>();

  constructor(options: PredictionLogOptions) {
    this.#o = options;
    this.#events = options.events ?? NO_EVENTS;
    this.#drops = new DropReport(options.logger, this.#events);
    this.#probeDelay = options.retryInitialMs;
    options.metrics?.watch({ queueDepth: () => this.#queue.length, spillBytes: () => options.spill?.bytes ?? 0, spilling: () => this.#spilling });
    this.#timer = setInterval(() => void this.#schedule(), options.flushIntervalMs);
    this.#timer.unref();
    // What a previous process spilled is replayed at once.
    if (options.spill && !options.spill.empty) void this.#schedule();
  }

  predicted(event: PredictionEvent): void {
    if (this.#queue.length >= this.#o.queueSize) {
      this.#dropped(1, 'the in-memory queue is full');
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length === this.#o.batchSize) void this.#schedule();
  }

  /** Writes (or spills, when the database cannot be reached) what is queued now. */
  flush(): Promise<void> {
    return this.#schedule();
  }

  /** Stops the timer and writes or spills everything queued; nothing is retried past one try. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    this.#wake.abort();
    await this.#schedule();
    await this.#o.spill?.close();
    this.#drops.finish();
  }

  /** One drain at a time; calls made while one waits share it. */
  #schedule(): Promise<void> {
    this.#next ??= this.#chain = this.#chain.then(() => {
      this.#next = undefined;
      return this.#drain();
    }).catch((error: unknown) => this.#o.logger.error({ err: error }, 'prediction log flush failed'));
    return this.#next;
  }

  async #drain(): Promise<void> {
    const { spill } = this.#o;
    const due = this.#closing || Date.now() >= this.#probeAt;
    // Spilled records go first: at start (a previous process's), and when a probe of the sink is due.
    if (spill && !spill.empty && (due || !this.#spilling)) await this.#replay(spill);
    else if (this.#spilling && due) this.#stopSpilling();
    while (this.#queue.length > 0) {
      const records = this.#records(this.#queue.splice(0, this.#o.batchSize));
      await (this.#spilling ? this.#spillOrDrop(records) : this.#writeRetrying(records));
    }
    this.#drops.cycleEnded();
  }

  /** Records of `events`, each with its id; one that cannot be made is dropped (counted). */
  #records(events: readonly PredictionEvent[]): PredictionRecord[] {
    const records: PredictionRecord[] = [];
    for (const event of events) {
      try {
        records.push(toPredictionRecord(event, randomUUID()));
      } catch (error) {
        this.#o.logger.warn({ err: error, model: event.model }, 'prediction record could not be made');
        this.#dropped(1, 'a record could not be made');
      }
    }
    return records;
  }

  /** Writes, retrying an unreachable sink with backoff; then spills what is left. */
  async #writeRetrying(records: PredictionRecord[]): Promise<void> {
    let pending = await this.#write(records, 'written');
    const started = Date.now();
    let delay = this.#o.retryInitialMs;
    while (pending.length > 0) {
      if (this.#closing || Date.now() - started >= this.#o.spillAfterMs || this.#queue.length >= this.#o.queueSize / 2) {
        this.#startSpilling();
        return this.#spillOrDrop(pending);
      }
      await this.#sleep(delay);
      delay = Math.min(delay * 2, this.#o.retryMaxMs);
      pending = await this.#write(pending, 'written');
    }
  }

  /**
   * One try: resolves to the records still to write because the sink cannot be reached (none when all
   * were written). A batch the sink refuses is written one by one, so that one bad record (dropped,
   * counted) does not hold the others back.
   */
  async #write(records: PredictionRecord[], outcome: PredictionOutcome): Promise<PredictionRecord[]> {
    try {
      await this.#o.sink.write(records);
      this.#o.metrics?.recorded(outcome, records.length);
      return [];
    } catch (error) {
      if (this.#o.sink.unavailable(error)) return records;
      if (records.length === 1) {
        this.#o.logger.warn({ err: error, model: records[0]?.model }, 'prediction record refused by the database');
        this.#dropped(1, 'the database refused a record');
        return [];
      }
      for (const [i, record] of records.entries()) {
        if ((await this.#write([record], outcome)).length > 0) return records.slice(i);
      }
      return [];
    }
  }

  /** Writes the spilled segments, oldest first, deleting each once all its records are written. */
  async #replay(spill: SpillFile<PredictionRecord>): Promise<void> {
    await spill.seal();
    for (const segment of spill.segments()) {
      const { records, lost } = await spill.read(segment);
      if (lost > 0 && !this.#lossCounted.has(segment)) {
        this.#lossCounted.add(segment);
        this.#o.logger.warn({ segment, lost }, 'spill segment ends with a torn or corrupt line (a crash while writing): the lines from it on are lost');
        this.#dropped(lost, 'a torn or corrupt spill line');
      }
      for (let at = 0; at < records.length; at += this.#o.batchSize) {
        if ((await this.#write(records.slice(at, at + this.#o.batchSize), 'replayed')).length > 0) {
          this.#startSpilling();
          this.#probeAt = Date.now() + this.#jitter(this.#probeDelay);
          this.#probeDelay = Math.min(this.#probeDelay * 2, this.#o.retryMaxMs);
          return;
        }
      }
      await spill.remove(segment);
      this.#lossCounted.delete(segment);
    }
    this.#stopSpilling();
  }

  async #spillOrDrop(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { spill } = this.#o;
    if (!spill) return this.#dropped(records.length, 'the database cannot be reached and there is no spill directory');
    let stored: boolean;
    try {
      stored = await spill.append(records);
    } catch (error) {
      this.#o.logger.error({ err: error }, 'prediction log spill file could not be written');
      stored = false;
    }
    if (stored) this.#o.metrics?.recorded('spilled', records.length);
    else this.#dropped(records.length, 'the spill directory is full or cannot be written');
  }

  #startSpilling(): void {
    if (this.#spilling) return;
    this.#spilling = true;
    this.#probeAt = Date.now() + this.#jitter(this.#o.retryInitialMs);
    this.#o.logger.warn('the prediction log cannot reach the database: records go to the spill file until it answers');
    this.#events.emit({ type: 'prediction_log.spilling', summary: 'the prediction log cannot reach the database; records are spilled to local disk' });
  }

  #stopSpilling(): void {
    this.#probeDelay = this.#o.retryInitialMs;
    if (!this.#spilling) return;
    this.#spilling = false;
    this.#o.logger.info('the prediction log reaches the database again: spilled records are written');
  }

  #dropped(count: number, reason: string): void {
    this.#o.metrics?.recorded('dropped', count);
    this.#drops.dropped(count, reason);
  }

  /** Equal jitter: between half the delay and the whole of it. */
  #jitter(ms: number): number {
    return ms / 2 + (this.#o.random ?? Math.random)() * (ms / 2);
  }

  /** Waits, unless the log is closing (an abort ends the wait early; it is no failure). */
  #sleep(ms: number): Promise<void> {
    return sleep(this.#jitter(ms), undefined, { signal: this.#wake.signal }).catch(() => undefined);
  }
}
