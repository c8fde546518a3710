import { Errors } from '../errors/catalogue.js';
import type { Queryable } from '../store/database.js';

export type AuthAction = 'bootstrap' | 'login' | 'login.failed' | 'login.throttled' | 'logout' | 'register'
  | 'token.refresh' | 'token.reuse' | 'password.change' | 'key.create' | 'key.revoke'
  | 'user.create' | 'user.role' | 'user.disable' | 'user.enable';

/** One authentication event. Never holds a secret: no password, key or token, only ids and names. */
export interface AuthEvent {
  readonly id: number;
  readonly at: Date;
  /** Who acted (`user:alice`, `key:<id>`, `anonymous`, `bootstrap`). */
  readonly actor: string;
  readonly action: AuthAction;
  /** What it concerned: a username, a key id. */
  readonly subject: string | null;
  /** The client address the request came from, when there was a request. */
  readonly address: string | null;
  /** Small structured facts (a role change's from and to, a key's scopes). */
  readonly detail: Record<string, unknown> | null;
}

export type NewAuthEvent = Pick<AuthEvent, 'actor' | 'action'> & Partial<Pick<AuthEvent, 'subject' | 'address' | 'detail'>>;

interface Row {
  id: string | number;
  at: Date | string;
  actor: string;
  action: AuthAction;
  subject: string | null;
  address: string | null;
  detail: Record<string, unknown> | null;
}

/** Appends one event; the table refuses updates and deletes. */
export async function appendAuthEvent(q: Queryable, event: NewAuthEvent): Promise<void> {
  await q.query('INSERT INTO umbral_auth_events (actor, action, subject, address, detail) VALUES ($1, $2, $3, $4, $5)', [
    event.actor, event.action, event.subject ?? null, event.address ?? null,
    event.detail === undefined || event.detail === null ? null : JSON.stringify(event.detail),
  ]);
}

/** Events newest first, `limit` of them, only those older than `beforeId` when given. */
export async function readAuthEvents(q: Queryable, limit: number, beforeId?: number): Promise<AuthEvent[]> {
  // Checked here too, whoever calls: a number PostgreSQL's bigint cannot take would fail the query.
  if (!Number.isSafeInteger(limit) || limit < 1) throw Errors.invalidRequest('limit', 'must be a whole number, 1 or more');
  if (beforeId !== undefined && (!Number.isSafeInteger(beforeId) || beforeId < 1)) {
    throw Errors.invalidRequest('before', 'must be the id of an authentication event');
  }
  const rows = await q.query<Row>(
    `SELECT id, at, actor, action, subject, address, detail FROM umbral_auth_events
     ${beforeId === undefined ? '' : 'WHERE id < $2'} ORDER BY id DESC LIMIT $1`,
    beforeId === undefined ? [limit] : [limit, beforeId]);
  return rows.map((row) => ({
    id: Number(row.id), at: new Date(row.at), actor: row.actor, action: row.action,
    subject: row.subject, address: row.address, detail: row.detail,
  }));
}
