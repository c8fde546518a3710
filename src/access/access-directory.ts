import type { Database } from '../store/database.js';
import { ACCESS_CHANGES, ACCESS_CHANNEL, isAccessChange, type AccessChange } from './access-channel.js';
import { BOOTSTRAP_KEY_ID, MAX_KEY_LENGTH, type ActiveKey } from './key-store.js';
import { parseSecret, safeEqualHex, sha256Hex } from './opaque-secret.js';
import type { Role } from './permissions.js';
import type { RevokedSession } from './revoked-sessions.js';

export type { ActiveKey } from './key-store.js';

/** What the request path needs of a user: enough to accept or refuse an access token. */
export interface UserSnapshot {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** Access tokens carrying another generation are refused. */
  readonly tokenGeneration: number;
}

export interface AccessDirectoryDeps {
  /** Where change notifications arrive (ACCESS_CHANNEL). */
  readonly db: Database;
  /** The usable keys now (KeyStore.loadActive). */
  readonly loadKeys: () => Promise<ActiveKey[]>;
  readonly loadUsers: () => Promise<UserSnapshot[]>;
  /** The sessions on the denylist now (loadRevokedSessions). */
  readonly loadRevokedSessions: () => Promise<RevokedSession[]>;
  /** Stores last-use times in one batch (KeyStore.recordUse). */
  readonly recordUse: (lastUsed: ReadonlyMap<string, Date>) => Promise<void>;
  /** Everything is reloaded this often, in case a notification was lost. */
  readonly resyncIntervalMs: number;
  /** Last-use times are written this often; default 5000. */
  readonly flushIntervalMs?: number;
  /** A reload or flush that failed in the background; the previous view stays in use. */
  readonly onError: (error: unknown, what: string) => void;
}

const DEFAULT_FLUSH_MS = 5_000;
/** A configured bootstrap key has at least this many characters: shorter texts skip its hash. */
const MIN_CONFIGURED_KEY = 32;

/**
 * The keys, users and revoked sessions the request path checks against, held in memory: no
 * database query per request. Reloaded on each ACCESS_CHANNEL notification (from any replica),
 * every `resyncIntervalMs`, and on `refresh()`; key uses are written back in batches.
 */
export class AccessDirectory {
  #keys = new Map<string, ActiveKey>();
  #users = new Map<string, UserSnapshot>();
  /** Session id → when its access tokens may be accepted again (epoch ms): they have all expired by then. */
  #revokedSessions = new Map<string, number>();
  #used = new Map<string, Date>();
  #flushing: Promise<void> = Promise.resolve();
  #unlisten: (() => Promise<void>) | undefined;
  #timers: NodeJS.Timeout[] = [];
  readonly #reloads: Record<AccessChange, Coalesced>;

  constructor(private readonly deps: AccessDirectoryDeps) {
    this.#reloads = {
      keys: new Coalesced(async () => {
        this.#keys = new Map((await deps.loadKeys()).map((key) => [key.id, key]));
      }),
      users: new Coalesced(async () => {
        this.#users = new Map((await deps.loadUsers()).map((user) => [user.id, user]));
      }),
      sessions: new Coalesced(async () => {
        const loaded = await deps.loadRevokedSessions();
        const now = Date.now();
        // A revocation is for good until it expires: entries noted here since the load began stay.
        const next = new Map([...this.#revokedSessions].filter(([, until]) => until > now));
        for (const { sid, expiresAt } of loaded) next.set(sid, Math.max(expiresAt.getTime(), next.get(sid) ?? 0));
        this.#revokedSessions = next;
      }),
    };
  }

  /** Listens for changes, then loads every part; rejects (listening stopped) when the first load fails. */
  async start(): Promise<void> {
    // Listening first: a change committed during the first load is then reloaded after it.
    this.#unlisten = await this.deps.db.listen(ACCESS_CHANNEL, (payload) =>
      void this.refresh(isAccessChange(payload) ? payload : undefined));
    try {
      await Promise.all(ACCESS_CHANGES.map((part) => this.#reloads[part].run()));
    } catch (error) {
      await this.#unlisten();
      this.#unlisten = undefined;
      throw error;
    }
    this.#every(this.deps.resyncIntervalMs, () => void this.refresh());
    this.#every(this.deps.flushIntervalMs ?? DEFAULT_FLUSH_MS, () => void this.flush());
  }

  /**
   * Reloads one part (every part when omitted) and resolves once the view includes every change
   * committed before the call. Never rejects: a failure keeps the previous view and goes to `onError`.
   */
  async refresh(part?: AccessChange): Promise<void> {
    const parts: readonly AccessChange[] = part ? [part] : ACCESS_CHANGES;
    await Promise.all(parts.map((name) => this.#reloads[name].run().catch((error: unknown) => this.deps.onError(error, `reload ${name}`))));
  }

  /**
   * The usable key `text` is, or undefined: unknown, wrong secret, revoked, expired or not a key at
   * all. `umb_<id>_<secret>` is found by id; any other text can only be the configured bootstrap
   * key. A key found is recorded as used at `now`.
   */
  findKey(text: string, now: Date = new Date()): ActiveKey | undefined {
    if (typeof text !== 'string' || text.length > MAX_KEY_LENGTH) return undefined;
    const parsed = parseSecret(text, 'umb');
    const byId = parsed && this.#keys.get(parsed.id);
    const key = byId && parsed ? matching(byId, parsed.secret) : this.#configuredKey(text);
    if (!key || (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime())) return undefined;
    const previous = this.#used.get(key.id);
    if (!previous || previous < now) this.#used.set(key.id, now);
    return key;
  }

  /** A user by id (as the access token's `sub` holds it), or undefined. */
  user(id: string): UserSnapshot | undefined {
    return this.#users.get(id);
  }

  /** Whether the session's access tokens are refused at `now`: it was logged out or revoked for a reuse. */
  sessionRevoked(sid: string, now: number = Date.now()): boolean {
    const until = this.#revokedSessions.get(sid);
    return until !== undefined && until > now;
  }

  /**
   * Refuses the session's access tokens at once, before the notification of its committed
   * revocation comes round (RefreshTokenStore's `onRevoked`); the next reload keeps it.
   */
  noteRevokedSession(session: RevokedSession): void {
    const until = Math.max(session.expiresAt.getTime(), this.#revokedSessions.get(session.sid) ?? 0);
    this.#revokedSessions.set(session.sid, until);
  }

  /** Writes the last-use times gathered since the previous flush; on failure they are kept for the next. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce());
    return this.#flushing;
  }

  /** Stops timers and listening, then writes the last-use times still pending. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await unlisten?.().catch((error: unknown) => this.deps.onError(error, 'unlisten'));
    await this.flush();
  }

  #configuredKey(text: string): ActiveKey | undefined {
    const configured = this.#keys.get(BOOTSTRAP_KEY_ID);
    if (!configured || text.length < MIN_CONFIGURED_KEY) return undefined;
    return safeEqualHex(sha256Hex(text), configured.secretSha256) ? configured : undefined;
  }

  async #flushOnce(): Promise<void> {
    if (this.#used.size === 0) return;
    const batch = this.#used;
    this.#used = new Map();
    try {
      await this.deps.recordUse(batch);
    } catch (error) {
      for (const [id, at] of batch) {
        const later = this.#used.get(id);
        if (!later || later < at) this.#used.set(id, at);
      }
      this.deps.onError(error, 'record key use');
    }
  }

  #every(ms: number, tick: () => void): void {
    const timer = setInterval(tick, ms);
    timer.unref();
    this.#timers.push(timer);
  }
}

function matching(key: ActiveKey, secret: string): ActiveKey | undefined {
  return safeEqualHex(sha256Hex(secret), key.secretSha256) ? key : undefined;
}

/**
 * Runs `work` one at a time. Asked while it runs, it runs once more afterwards, however many
 * asked: a reload that began before a change may have missed it, and one more that begins after
 * it cannot.
 */
class Coalesced {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(private readonly work: () => Promise<void>) {}

  run(): Promise<void> {
    if (!this.#running) {
      this.#running = this.work().finally(() => { this.#running = undefined; });
      return this.#running;
    }
    this.#next ??= this.#running.catch(() => undefined).then(() => {
      this.#next = undefined;
      return this.run();
    });
    return this.#next;
  }
}
