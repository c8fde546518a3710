import pg from 'pg';
import { toStoreError } from './connection-error.js';

/** Reconnection delays: doubling from the first to the cap, each with jitter. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * LISTEN on one dedicated connection (a pooled one would be handed to other queries and lose its
 * subscriptions). When that connection drops, it reconnects with backoff and LISTENs again on every
 * channel, for as long as any handler remains. Notifications sent while it was down are lost:
 * readers resync periodically for that reason.
 */
export class PostgresListener {
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #attempt = 0;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Subscribes `handler`; rejects (UMBRAL_ERR_STORE_UNAVAILABLE) when no connection can be made. */
  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.#handlers.get(channel);
    const first = handlers === undefined;
    handlers ??= new Set();
    handlers.add(handler);
    this.#handlers.set(channel, handlers);
    try {
      const client = await this.#connected();
      // LISTEN is idempotent: harmless if a connection made meanwhile already issued it.
      if (first) await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await this.#remove(channel, handler);
      throw toStoreError(error);
    }
    return () => this.#remove(channel, handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client ?? await this.#connecting?.catch(() => undefined);
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #remove(channel: string, handler: (payload: string) => void): Promise<void> {
    const handlers = this.#handlers.get(channel);
    if (!handlers?.delete(handler) || handlers.size > 0) return;
    this.#handlers.delete(channel);
    // If the connection is gone, so is the subscription.
    await this.#client?.query(`UNLISTEN "${channel}"`).catch(() => undefined);
  }

  #connected(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('notification', ({ channel, payload }) => this.#deliver(channel, payload ?? ''));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the LISTEN connection was closed')));
    try {
      await client.connect();
      for (const channel of this.#handlers.keys()) await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end();
      throw new Error('the database is closed');
    }
    this.#client = client;
    this.#attempt = 0;
    return client;
  }

  #deliver(channel: string, payload: string): void {
    for (const handler of this.#handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }

  #lost(client: pg.Client, error: Error): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.onError(error);
    this.#reconnectLater();
  }

  #reconnectLater(): void {
    if (this.#closed || this.#retry !== undefined || this.#handlers.size === 0) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#attempt++) * (0.5 + Math.random() / 2);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connected().catch((error: Error) => {
        this.onError(toStoreError(error) as Error);
        this.#reconnectLater();
      });
    }, delay);
    this.#retry.unref();
  }
}
