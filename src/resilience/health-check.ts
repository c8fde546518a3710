import type { GroupEvents } from './upstream-observer.js';

/** Longest a health check may take, whatever the interval. */
const HEALTH_TIMEOUT_MS = 2_000;

/** What a health check sees of a server: its client, and the verdict it keeps there. */
export interface Checked<C> {
  readonly url: string;
  readonly client: C;
  healthy: boolean;
}

/** What to check, how, and how often. */
export interface HealthCheckOptions<C> {
  /** 0: never on its own (servers are presumed healthy; `run` still checks). */
  readonly intervalMs: number;
  /** The servers to check, as listed at each run. */
  servers(): readonly Checked<C>[];
  /** Resolves true when the server's own ready endpoint says ready; false or a rejection otherwise. */
  healthCheck(client: C, signal: AbortSignal): Promise<boolean>;
  readonly events: Pick<GroupEvents, 'health'>;
}

/**
 * Asks every server's own ready endpoint at once on creation and then on its interval (a timer that
 * keeps no process alive), each within min(interval, 2 s); a changed verdict is kept on the server
 * and reported.
 */
export class HealthCheck<C> {
  readonly #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: HealthCheckOptions<C>) {
    if (options.intervalMs <= 0) return;
    this.#timer = setInterval(() => void this.run(), options.intervalMs);
    this.#timer.unref();
    void this.run();
  }

  /** Checks every server now. */
  async run(): Promise<void> {
    const { intervalMs, servers, healthCheck, events } = this.options;
    const timeout = Math.min(intervalMs || HEALTH_TIMEOUT_MS, HEALTH_TIMEOUT_MS);
    await Promise.all(servers().map(async (server) => {
      const healthy = await healthCheck(server.client, AbortSignal.timeout(timeout)).catch(() => false);
      if (this.#stopped || healthy === server.healthy) return;
      server.healthy = healthy;
      events.health(server.url, healthy, true);
    }));
  }

  /** No more checks; a check under way changes nothing. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
