import type { Logger } from 'pino';
import type { Queryable } from '../../store/database.js';
import { isEventType, type EventSink, type UmbralEvent } from '../events/umbral-event.js';

export interface OutboxSinkOptions {
  /** Events held while the database does not answer; past it the oldest are dropped (and logged). */
  readonly maxBuffered?: number;
  /** How long to keep retrying while the database does not answer, then the held events are dropped (and logged). */
  readonly giveUpAfterMs?: number;
  /** First wait between retries; doubled up to 5 s. */
  readonly retryDelayMs?: number;
}

const MAX_SUMMARY = 1000;

/**
 * The EventSink of every source outside the registry: `emit` queues the event and returns; a
 * background flush inserts each into the outbox (`umbral_events`) in its own statement, whose
 * trigger wakes the dispatchers. While the database does not answer it retries with backoff,
 * holding at most `maxBuffered` events for at most `giveUpAfterMs`; what it gives up is logged
 * with the event types, never silently lost. It never throws and never blocks its caller.
 */
export class OutboxEventSink implements EventSink {
  readonly #queue: UmbralEvent[] = [];
  #flushing: Promise<void> | undefined;
  #failingSince: number | undefined;
  #closed = false;
  readonly #maxBuffered: number;
  readonly #giveUpAfterMs: number;
  readonly #retryDelayMs: number;

  constructor(private readonly db: Queryable, private readonly logger: Pick<Logger, 'warn' | 'error'>, options: OutboxSinkOptions = {}) {
    this.#maxBuffered = options.maxBuffered ?? 1000;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
    this.#retryDelayMs = options.retryDelayMs ?? 250;
  }

  emit(event: UmbralEvent): void {
    if (this.#closed) return;
    if (!isEventType(event.type)) {
      this.logger.warn({ type: String(event.type) }, 'an event of an unknown type was not recorded');
      return;
    }
    try {
      JSON.stringify(event.details ?? {});
    } catch (error) {
      this.logger.warn({ type: event.type, err: error }, 'an event whose details are not JSON was not recorded');
      return;
    }
    if (this.#queue.length >= this.#maxBuffered) this.#drop(this.#queue.splice(0, 1), 'the buffer is full');
    this.#queue.push(event);
    this.#flushing ??= this.#flush().finally(() => { this.#flushing = undefined; });
  }

  /** Resolves when what was emitted so far is written or given up. */
  async flushed(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /** Stops taking events and waits (at most `timeoutMs`) for those held to be written. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flushed(), new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
    clearTimeout(timer);
    if (this.#queue.length > 0) this.#drop(this.#queue.splice(0), 'the server is stopping');
  }

  async #flush(): Promise<void> {
    let delay = this.#retryDelayMs;
    while (this.#queue.length > 0) {
      const event = this.#queue[0] as UmbralEvent;
      try {
        await insertEvent(this.db, event);
        if (this.#queue[0] === event) this.#queue.shift();
        this.#failingSince = undefined;
        delay = this.#retryDelayMs;
      } catch (error) {
        const now = Date.now();
        if (this.#failingSince === undefined) {
          this.#failingSince = now;
          this.logger.warn({ err: error, held: this.#queue.length }, 'events cannot be written to the outbox; retrying');
        }
        if (now - this.#failingSince >= this.#giveUpAfterMs || this.#closed) {
          this.#drop(this.#queue.splice(0), 'the database did not answer');
          this.#failingSince = undefined;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  #drop(events: readonly UmbralEvent[], reason: string): void {
    if (events.length === 0) return;
    this.logger.error({ dropped: events.length, types: [...new Set(events.map((e) => e.type))], reason }, 'events dropped before reaching the outbox');
  }
}

/** Inserts one event into the outbox (in `q`'s transaction when it is one). */
export async function insertEvent(q: Queryable, event: UmbralEvent, fannedOut = false): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO umbral_events (type, model, version, summary, details, fanned_out_at)
     VALUES ($1, $2, $3, $4, $5, ${fannedOut ? 'now()' : 'NULL'}) RETURNING id`,
    [event.type, event.model ?? null, event.version ?? null, event.summary.slice(0, MAX_SUMMARY), JSON.stringify(event.details ?? {})]);
  return String(row?.id);
}
