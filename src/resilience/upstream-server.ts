import type { ServerStatus } from './upstream-control.js';
import type { BreakerPolicy } from './resilience-policy.js';
import { ServerBreaker } from './server-breaker.js';

/** One server of a group: its client, breaker, health and the calls it has in flight. */
export class UpstreamServer<C> {
  readonly breaker: ServerBreaker;
  /** Last health check passed (servers start healthy until a check says otherwise). */
  healthy = true;
  #outstanding = 0;
  #retired = false;

  constructor(readonly url: string, readonly client: C, breaker: BreakerPolicy, onBreaker: (state: ServerStatus['breaker']) => void,
    private readonly disconnect: (client: C) => Promise<void>) {
    this.breaker = new ServerBreaker(breaker, onBreaker);
  }

  /** Calls sent to this server that have not finished. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** A call starts on this server. */
  begin(): void {
    this.#outstanding++;
  }

  /** A call on this server ended; a retired server disconnects with its last one. */
  end(): void {
    this.#outstanding--;
    if (this.#retired && this.#outstanding === 0) void this.disconnect(this.client);
  }

  /** The server left the group (which lists it no more): disconnects now, or when its last call ends. */
  retire(): void {
    this.#retired = true;
    if (this.#outstanding === 0) void this.disconnect(this.client);
  }

  /** Disconnects at once, calls in flight or not (the group closes). */
  close(): Promise<void> {
    return this.disconnect(this.client);
  }

  status(): ServerStatus {
    return { url: this.url, healthy: this.healthy, breaker: this.breaker.state, outstanding: this.#outstanding };
  }
}
