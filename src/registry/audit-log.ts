import type { Queryable } from '../store/database.js';
import type { Actor, AuditEntry } from './registry.js';

/** What one change did, as the audit log records it. */
export interface AuditChange {
  /** The kind of change. */
  readonly action: AuditEntry['action'];
  /** The alias or tag concerned, when any. */
  readonly subject?: string | null;
  /** The value before the change (a version number, a name), when any. */
  readonly from?: string | number | null;
  /** The value after the change, when any. */
  readonly to?: string | number | null;
  /** Why and how, when the change carries more (a forced promotion: its reason and what it overrode). */
  readonly detail?: Readonly<Record<string, unknown>> | null;
}

interface AuditRow {
  id: number | string;
  model: string;
  actor: string;
  at: Date | string;
  action: AuditEntry['action'];
  subject: string | null;
  from_value: string | null;
  to_value: string | null;
  detail: Record<string, unknown> | null;
}

/** Appends one entry; the table refuses updates and deletes, so entries are final. */
export async function appendAudit(q: Queryable, model: string, actor: Actor, change: AuditChange): Promise<void> {
  await q.query(
    'INSERT INTO umbral_audit_log (model, actor, action, subject, from_value, to_value, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [model, actor, change.action, change.subject ?? null, text(change.from), text(change.to), change.detail ? JSON.stringify(change.detail) : null]);
}

/** Entries of a model, newest first, `limit` of them, only those older than `beforeId` when given. */
export async function readAudit(q: Queryable, model: string, limit: number, beforeId?: number): Promise<AuditEntry[]> {
  const rows = await q.query<AuditRow>(
    `SELECT id, model, actor, at, action, subject, from_value, to_value, detail FROM umbral_audit_log
     WHERE model = $1 ${beforeId === undefined ? '' : 'AND id < $3'} ORDER BY id DESC LIMIT $2`,
    beforeId === undefined ? [model, limit] : [model, limit, beforeId]);
  return rows.map((row) => ({
    id: Number(row.id),
    model: row.model,
    actor: row.actor,
    at: new Date(row.at),
    action: row.action,
    subject: row.subject,
    from: row.from_value,
    to: row.to_value,
    detail: row.detail,
  }));
}

function text(value: string | number | null | undefined): string | null {
  return value === undefined || value === null ? null : String(value);
}
