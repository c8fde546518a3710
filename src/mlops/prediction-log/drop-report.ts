import type { Logger } from 'pino';
import type { EventSink } from '../events/umbral-event.js';

/** How often, at most, a warning about dropped records is logged (the counts in between are summed into it). */
const WARN_EVERY_MS = 10_000;

/**
 * Says that records were dropped, never silently and never once per record: the first drop of an
 * episode emits `prediction_log.dropping` and logs a warning; later ones are summed into a warning at
 * most every ten seconds. An episode ends with a flush cycle that dropped nothing.
 */
export class DropReport {
  #episode = false;
  #droppedThisCycle = false;
  #unreported = 0;
  #reasons = new Set<string>();
  #lastWarnAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly logger: Logger, private readonly events: EventSink, private readonly now: () => number = Date.now) {}

  dropped(count: number, reason: string): void {
    this.#droppedThisCycle = true;
    this.#unreported += count;
    this.#reasons.add(reason);
    if (!this.#episode) {
      this.#episode = true;
      this.events.emit({ type: 'prediction_log.dropping', summary: `the prediction log is dropping records: ${reason}`, details: { reason } });
    }
    if (this.now() - this.#lastWarnAt >= WARN_EVERY_MS) this.#warn();
  }

  /** A flush cycle ended: without a drop in it, the episode is over (what was not yet logged is). */
  cycleEnded(): void {
    if (!this.#droppedThisCycle && this.#episode) {
      this.#episode = false;
      if (this.#unreported > 0) this.#warn();
    }
    this.#droppedThisCycle = false;
  }

  /** Logs what was dropped since the last warning (at close). */
  finish(): void {
    if (this.#unreported > 0) this.#warn();
  }

  #warn(): void {
    this.logger.warn({ dropped: this.#unreported, reasons: [...this.#reasons] }, 'prediction log records dropped');
    this.#unreported = 0;
    this.#reasons.clear();
    this.#lastWarnAt = this.now();
  }
}
