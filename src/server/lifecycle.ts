/**
 * Where the server is in its life, as readiness and the transports see it:
 * - `serving`: ready;
 * - `leaving`: a stop was asked; readiness is off so that load balancers stop sending, but every
 *   request is still served (for `server.shutdownDelayMs`), each answer telling its client to
 *   reconnect (`Connection: close`);
 * - `draining`: the listeners are closed; requests already received finish, then the process stops.
 */
export type Phase = 'serving' | 'leaving' | 'draining';

export class Lifecycle {
  readonly startedAt = Date.now();
  #phase: Phase = 'serving';
  readonly #listeners = new Set<() => void>();

  get phase(): Phase {
    return this.#phase;
  }

  /** True once a stop was asked: readiness answers 503, whatever the models' state. */
  get shuttingDown(): boolean {
    return this.#phase !== 'serving';
  }

  /** Readiness off; requests are still served. */
  beginShutdown(): void {
    if (this.#phase !== 'serving') return;
    this.#phase = 'leaving';
    this.#changed();
  }

  /** The listeners are closing: only what was received is still answered. */
  beginDrain(): void {
    if (this.#phase === 'draining') return;
    this.#phase = 'draining';
    this.#changed();
  }

  /** Calls `listener` after each change of phase; returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }
}
