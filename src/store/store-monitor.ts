import type { Database } from './database.js';

/** The database as the last check saw it, for `/health/ready` and `umbral_store_up`. */
export interface StoreState {
  /** `pglite` (embedded) or `postgres` (a server). */
  readonly kind: Database['kind'];
  readonly up: boolean;
  /** When `up` last changed (or the monitor started). */
  readonly since: Date;
  /** Why the last check failed; absent while up. Says what failed, never a credential or address. */
  readonly error?: string;
}

export interface StoreMonitorOptions {
  /** How often to check. */
  readonly intervalMs: number;
  /** A check that has not answered within this is a failure (default 2 s; a check still running is not started again). */
  readonly timeoutMs?: number;
  /** `up` changed: once per outage and once at recovery. */
  readonly onChange?: (state: StoreState) => void;
}

const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

/**
 * Watches whether the database answers, with a `SELECT 1` every `intervalMs`. The data plane never
 * waits for the database (keys, users, aliases and policies are held in memory), so an outage does
 * not make a replica unready: it shows in `/health/ready`'s `store` section and in the metric, and
 * admin calls answer 503 UMBRAL_ERR_STORE_UNAVAILABLE until it is back.
 */
export class StoreMonitor {
  #state: StoreState;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  readonly #timeoutMs: number;

  constructor(private readonly db: Pick<Database, 'kind' | 'query'>, private readonly options: StoreMonitorOptions) {
    this.#state = { kind: db.kind, up: true, since: new Date() };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  }

  state(): StoreState {
    return this.#state;
  }

  /** Checks now, then every `intervalMs` until `stop()`. */
  start(): void {
    this.#timer = setInterval(() => void this.check(), this.options.intervalMs);
    this.#timer.unref();
    void this.check();
  }

  /** One check (a running one is shared); resolves when it has updated the state. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => { this.#checking = undefined; });
    return this.#checking;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#checking;
  }

  async #check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      await Promise.race([this.db.query('SELECT 1'), timedOut]);
      this.#set(true);
    } catch (error) {
      this.#set(false, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  #set(up: boolean, error?: string): void {
    const changed = up !== this.#state.up;
    this.#state = { kind: this.#state.kind, up, since: changed ? new Date() : this.#state.since, ...(error === undefined ? {} : { error }) };
    if (changed) this.options.onChange?.(this.#state);
  }
}
