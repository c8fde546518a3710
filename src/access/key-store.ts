import { Errors } from '../errors/catalogue.js';
import type { Database, Queryable } from '../store/database.js';
import { ACCESS_CHANNEL } from './access-channel.js';
import { appendAuthEvent } from './auth-events.js';
import { checkNewKey, type NewApiKey, type ValidKey } from './api-key-input.js';
import { generateSecret, sha256Hex } from './opaque-secret.js';
import { PERMISSIONS, isPermission, type Permission } from './permissions.js';
import type { Limits } from './principal.js';

export type { NewApiKey } from './api-key-input.js';

/** An API key as the admin API shows it: everything but the secret, of which only a hash is kept. */
export interface ApiKeyRecord {
  /** Public id: the `<id>` of `umb_<id>_<secret>`, or `bootstrap` for a configured admin key. */
  readonly id: string;
  readonly name: string;
  readonly scopes: Permission[];
  /** Models the key may use; null = every model. */
  readonly models: string[] | null;
  /** The key's own limits, replacing the server's defaults; null = the defaults. */
  readonly limits: Limits | null;
  /** After this instant the key is refused; null = never. */
  readonly expiresAt: Date | null;
  /** The actor that created it (`user:alice`, `key:<id>`, `bootstrap`). */
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
  /** Last accepted use, as flushed by the replicas (up to a few seconds behind). */
  readonly lastUsedAt: Date | null;
}

/** What the request path needs of a usable (not revoked, not expired) key. */
export interface ActiveKey extends Pick<ApiKeyRecord, 'id' | 'name' | 'scopes' | 'models' | 'limits' | 'expiresAt'> {
  /** SHA-256 (hex) of the secret part, or of the whole text for the `bootstrap` key. */
  readonly secretSha256: string;
}

/** A configured admin key is stored under this id; generated ids (16 characters) never collide with it. */
export const BOOTSTRAP_KEY_ID = 'bootstrap';
/** Longer credentials are never keys: refused before hashing. */
export const MAX_KEY_LENGTH = 1024;

/** Any constant other than the migrator's: replicas starting at once take turns to bootstrap. */
const BOOTSTRAP_LOCK = 0x756d626b; // "umbk"
const CONFIGURED_KEY = new RegExp(`^[\\x21-\\x7e]{32,${MAX_KEY_LENGTH}}$`);
const COLUMNS = 'id, name, scopes, models, limits, expires_at, created_by, created_at, revoked_at, revoked_by, last_used_at';

interface KeyRow {
  id: string;
  name: string;
  scopes: unknown[];
  models: string[] | null;
  limits: Limits | null;
  expires_at: Date | null;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

/**
 * API keys in the store. Every change appends to the authentication trail and notifies
 * ACCESS_CHANNEL `keys` in its own transaction, so that every replica's directory reloads.
 */
export class KeyStore {
  constructor(private readonly db: Database) {}

  /** Creates a key and returns its whole text, the only time it is ever available. */
  async create(input: NewApiKey, actor: string, address?: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const valid = checkNewKey(input, new Date());
    const secret = generateSecret('umb');
    const record = await this.db.transaction(async (tx) => {
      const created = await insertKey(tx, { ...valid, id: secret.id, secretSha256: secret.sha256, createdBy: actor });
      await appendAuthEvent(tx, {
        actor, action: 'key.create', subject: created.id, address,
        detail: {
          name: created.name, scopes: created.scopes, models: created.models, limits: created.limits,
          expiresAt: created.expiresAt?.toISOString() ?? null,
        },
      });
      await this.db.notify(ACCESS_CHANNEL, 'keys', tx);
      return created;
    });
    return { record, key: secret.text };
  }

  /** Every key, revoked and expired ones included, newest first. */
  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.query<KeyRow>(`SELECT ${COLUMNS} FROM umbral_api_keys ORDER BY created_at DESC, id DESC`);
    return rows.map(toRecord);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.db.query<KeyRow>(`SELECT ${COLUMNS} FROM umbral_api_keys WHERE id = $1`, [id]);
    return row && toRecord(row);
  }

  /** Revokes a key for good; revoking it again changes nothing. Throws keyNotFound for an unknown id. */
  async revoke(id: string, actor: string, address?: string): Promise<ApiKeyRecord> {
    return this.db.transaction(async (tx) => {
      const [revoked] = await tx.query<KeyRow>(
        `UPDATE umbral_api_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL
         RETURNING ${COLUMNS}`, [id, actor]);
      if (!revoked) {
        const [existing] = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM umbral_api_keys WHERE id = $1`, [id]);
        if (!existing) throw Errors.keyNotFound(id);
        return toRecord(existing);
      }
      await appendAuthEvent(tx, { actor, action: 'key.revoke', subject: id, address, detail: { name: revoked.name } });
      await this.db.notify(ACCESS_CHANNEL, 'keys', tx);
      return toRecord(revoked);
    });
  }

  /** The keys usable at `now`, with their secret hashes: what the in-memory directory holds. */
  async loadActive(now: Date): Promise<ActiveKey[]> {
    const rows = await this.db.query<KeyRow & { secret_sha256: string }>(
      `SELECT ${COLUMNS}, secret_sha256 FROM umbral_api_keys
       WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)`, [now.toISOString()]);
    return rows.map((row) => {
      const { id, name, scopes, models, limits, expiresAt } = toRecord(row);
      return { id, name, scopes, models, limits, expiresAt, secretSha256: row.secret_sha256 };
    });
  }

  /** Stores last-use times of many keys in one statement; a time older than the stored one is ignored. */
  async recordUse(lastUsed: ReadonlyMap<string, Date>): Promise<void> {
    if (lastUsed.size === 0) return;
    await this.db.query(
      `UPDATE umbral_api_keys k SET last_used_at = u.at
       FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
       WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
      [[...lastUsed.keys()], [...lastUsed.values()].map((at) => at.toISOString())]);
  }

  /**
   * Creates the first admin credential on a database with no keys and no users: `adminKey` as is
   * (id `bootstrap`), or, when empty, a generated key whose text is returned once. Replicas starting
   * together take turns on an advisory lock and re-check under it, so exactly one creates it.
   */
  async bootstrap(options: { adminKey: string }): Promise<{ outcome: 'exists' } | { outcome: 'created'; generatedKey?: string }> {
    const { adminKey } = options;
    if (adminKey !== '' && !CONFIGURED_KEY.test(adminKey)) {
      throw Errors.configInvalid([`auth.adminKey (UMBRAL_ADMIN_KEY) must be 32-${MAX_KEY_LENGTH} visible ASCII characters without spaces, or empty to generate one`]);
    }
    const generated = adminKey === '' ? generateSecret('umb') : undefined;
    const id = generated?.id ?? BOOTSTRAP_KEY_ID;
    const created = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [state] = await tx.query<{ taken: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM umbral_api_keys) OR EXISTS (SELECT 1 FROM umbral_users) AS taken');
      if (state?.taken) return false;
      const key = await insertKey(tx, {
        id, name: 'bootstrap admin', scopes: [...PERMISSIONS], models: null, limits: null, expiresAt: null,
        secretSha256: generated?.sha256 ?? sha256Hex(adminKey), createdBy: 'bootstrap',
      });
      await appendAuthEvent(tx, {
        actor: 'bootstrap', action: 'bootstrap', subject: key.id,
        detail: { name: key.name, scopes: key.scopes, source: generated ? 'generated' : 'configured' },
      });
      await this.db.notify(ACCESS_CHANNEL, 'keys', tx);
      return true;
    });
    if (!created) return { outcome: 'exists' };
    return generated ? { outcome: 'created', generatedKey: generated.text } : { outcome: 'created' };
  }
}

async function insertKey(tx: Queryable, key: ValidKey & { id: string; secretSha256: string; createdBy: string }): Promise<ApiKeyRecord> {
  const [row] = await tx.query<KeyRow>(
    `INSERT INTO umbral_api_keys (id, name, secret_sha256, scopes, models, limits, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [key.id, key.name, key.secretSha256, JSON.stringify(key.scopes), json(key.models), json(key.limits),
      key.expiresAt?.toISOString() ?? null, key.createdBy]);
  if (!row) throw Errors.internal('inserting an API key returned no row');
  return toRecord(row);
}

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id, name: row.name, scopes: row.scopes.filter(isPermission), models: row.models, limits: row.limits,
    expiresAt: date(row.expires_at), createdBy: row.created_by, createdAt: new Date(row.created_at),
    revokedAt: date(row.revoked_at), revokedBy: row.revoked_by, lastUsedAt: date(row.last_used_at),
  };
}

function date(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
