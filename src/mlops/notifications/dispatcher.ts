import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { backoffDelayMs } from '../../resilience/backoff.js';
import type { Database } from '../../store/database.js';
import { DeliveryFailure, type ChannelDriver, type ChannelKind } from './channels/channel-driver.js';
import { claimDue, fanOut, finishTry, nextDueMs, pruneEvents, type ClaimedDelivery, type TryOutcome } from './delivery-queue.js';
import { openSecret } from './channel-secret.js';
import type { SecretBox } from './secret-box.js';

/** The channel every outbox insert wakes dispatchers on (migration 0006's trigger). */
export const EVENTS_CHANNEL = 'umbral_events';

export interface DispatcherOptions {
  readonly db: Database;
  readonly drivers: Readonly<Record<ChannelKind, ChannelDriver>>;
  readonly secrets: SecretBox;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly pollIntervalMs: number;
  readonly maxAttempts: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  readonly sendTimeoutMs: number;
  readonly retentionDays: number;
  /** Deliveries claimed (and sent concurrently) at a time. */
  readonly batchSize?: number;
  readonly random?: () => number;
}

const FAN_OUT_BATCH = 500;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Sends what the outbox holds. Each round fans new events out into deliveries, then claims due
 * deliveries in batches and sends them; a failed try is retried after an exponential backoff with
 * full jitter, and dead-lettered after `maxAttempts` tries or at once when trying again cannot help.
 * Rounds start on a wake-up (an outbox insert anywhere on the database), on the poll interval, and
 * when the next retry falls due. All state is in the database: a restart, or another replica, picks
 * up where this one stopped.
 */
export class NotificationDispatcher {
  readonly #id = randomUUID();
  #round: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #stopped = false;
  #failing = false;
  #prunedAt = 0;

  constructor(private readonly options: DispatcherOptions) {}

  async start(): Promise<void> {
    this.#unlisten = await this.options.db.listen(EVENTS_CHANNEL, () => this.wake());
    this.wake();
  }

  /** Starts a round now, or right after the one running. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#round = this.#run().finally(() => {
      this.#round = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Resolves when no round is running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.#round) await this.#round;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#unlisten?.().catch(() => undefined);
    await this.idle();
  }

  async #run(): Promise<void> {
    let waitMs = this.options.pollIntervalMs;
    try {
      await this.#prune();
      while (await fanOut(this.options.db, FAN_OUT_BATCH) === FAN_OUT_BATCH && !this.#stopped) { /* more to fan out */ }
      const batch = this.options.batchSize ?? 20;
      const lease = this.options.sendTimeoutMs + 30_000;
      for (;;) {
        const claimed = this.#stopped ? [] : await claimDue(this.options.db, this.#id, batch, lease);
        await Promise.all(claimed.map((delivery) => this.#deliver(delivery)));
        if (claimed.length < batch) break;
      }
      const due = await nextDueMs(this.options.db);
      if (due !== undefined) waitMs = Math.min(waitMs, Math.max(10, due));
      if (this.#failing) this.options.logger.info('notification dispatcher: the database answers again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.options.logger.warn({ err: error }, 'notification dispatcher: the database does not answer; retrying');
      this.#failing = true;
    }
    if (!this.#stopped) {
      this.#timer = setTimeout(() => this.wake(), waitMs);
      this.#timer.unref();
    }
  }

  async #deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.#try(delivery);
    const { channel, event } = delivery;
    const facts = { channel: channel.name, kind: channel.kind, event: event.id, type: event.type, attempt: delivery.attempt };
    if (outcome.status === 'retry') this.options.logger.warn({ ...facts, error: outcome.error, retryInMs: Math.round(outcome.delayMs) }, 'notification not delivered; will try again');
    if (outcome.status === 'dead') this.options.logger.error({ ...facts, error: outcome.error }, 'notification dead-lettered: not delivered and no more tries');
    try {
      await finishTry(this.options.db, delivery, outcome);
    } catch (error) {
      // The lease ends and the delivery is claimed again: a repeat the idempotency key lets receivers drop.
      this.options.logger.warn({ ...facts, err: error }, 'notification outcome not recorded; the delivery will be claimed again');
    }
  }

  async #try({ channel, event, attempt }: ClaimedDelivery): Promise<TryOutcome> {
    const { drivers, secrets, maxAttempts, sendTimeoutMs } = this.options;
    let secret: string | undefined;
    try {
      secret = openSecret(secrets, channel);
    } catch {
      return { status: 'dead', error: 'cannot decrypt the channel\'s secret: this server\'s notifications.secretKey is not the one that stored it' };
    }
    try {
      await drivers[channel.kind].send({ event, idempotencyKey: `umbral-${event.id}-${channel.id}` }, { config: channel.config, secret }, { timeoutMs: sendTimeoutMs });
      return { status: 'delivered' };
    } catch (error) {
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure(String((error as Error)?.message ?? error), true);
      const message = scrub(failure.message, secret);
      if (!failure.retryable) return { status: 'dead', error: `${message} (not retried: trying again cannot help)` };
      if (attempt >= maxAttempts) return { status: 'dead', error: `${message} (after ${attempt} tries)` };
      return { status: 'retry', error: message, delayMs: this.#backoff(attempt, failure.retryAfterMs) };
    }
  }

  /** Upstream calls' backoff (full jitter, never before the receiver's Retry-After), and at least `backoffMinMs`. */
  #backoff(attempt: number, retryAfterMs: number | undefined): number {
    const { backoffMinMs, backoffMaxMs, random = Math.random } = this.options;
    return Math.max(backoffMinMs, backoffDelayMs({ initialDelayMs: backoffMinMs, maxDelayMs: backoffMaxMs }, attempt, retryAfterMs, random));
  }

  async #prune(): Promise<void> {
    if (Date.now() - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = Date.now();
    const removed = await pruneEvents(this.options.db, this.options.retentionDays);
    if (removed > 0) this.options.logger.info({ removed, retentionDays: this.options.retentionDays }, 'old notification events removed');
  }
}

/** `text` without the secret (a token in a URL path, a password echoed by a server). */
export function scrub(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  return text.split(secret).join('[secret]').split(encodeURIComponent(secret)).join('[secret]');
}
