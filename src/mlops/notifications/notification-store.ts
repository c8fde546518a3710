import type { Queryable } from '../../store/database.js';
import type { DeliveryFilter, DeliveryView, RuleView, ChannelView } from './notification-views.js';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

interface ChannelRow { id: string; name: string; kind: ChannelView['kind']; config: Record<string, unknown>; secret: string | null; created_by: string; created_at: Date | string }

/** The channels, by name; `name` narrows to one. Secrets never leave this function. */
export async function readChannels(q: Queryable, name?: string): Promise<ChannelView[]> {
  const rows = await q.query<ChannelRow>(
    `SELECT id, name, kind, config, secret, created_by, created_at FROM umbral_notification_channels
     ${name === undefined ? '' : 'WHERE name = $1'} ORDER BY name`, name === undefined ? [] : [name]);
  return rows.map((row) => ({
    id: String(row.id), name: row.name, kind: row.kind, config: row.config, secret: row.secret === null ? 'none' : 'set',
    createdBy: row.created_by, createdAt: iso(row.created_at) as string,
  }));
}

interface RuleRow { id: string; event_types: string[]; model: string; channel: string; created_by: string; created_at: Date | string }

export async function readRules(q: Queryable, id?: string): Promise<RuleView[]> {
  const rows = await q.query<RuleRow>(
    `SELECT r.id, r.event_types, r.model, c.name AS channel, r.created_by, r.created_at
       FROM umbral_notification_rules r JOIN umbral_notification_channels c ON c.id = r.channel_id
      ${id === undefined ? '' : 'WHERE r.id = $1'} ORDER BY r.id`, id === undefined ? [] : [id]);
  return rows.map((row) => ({
    id: String(row.id), events: row.event_types as RuleView['events'], model: row.model, channel: row.channel,
    createdBy: row.created_by, createdAt: iso(row.created_at) as string,
  }));
}

interface DeliveryRow {
  id: string; channel: string; status: DeliveryView['status']; attempts: number; next_at: Date | string; last_error: string | null;
  delivered_at: Date | string | null; created_at: Date | string;
  event_id: string; type: DeliveryView['event']['type']; model: string | null; version: string | null; summary: string; at: Date | string;
}

/** The delivery history, newest first, filtered. */
export async function readDeliveries(q: Queryable, filter: DeliveryFilter & { readonly id?: string; readonly eventId?: string }): Promise<DeliveryView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.id !== undefined) add('d.id = ?', filter.id);
  if (filter.eventId !== undefined) add('d.event_id = ?', filter.eventId);
  if (filter.status !== undefined) add('d.status = ?', filter.status);
  if (filter.channel !== undefined) add('c.name = ?', filter.channel);
  if (filter.type !== undefined) add('e.type = ?', filter.type);
  if (filter.model !== undefined) add('e.model = ?', filter.model);
  if (filter.before !== undefined) add('d.id < ?', filter.before);
  params.push(Math.min(filter.limit ?? 100, 1000));
  const rows = await q.query<DeliveryRow>(`
    SELECT d.id, c.name AS channel, d.status, d.attempts, d.next_at, d.last_error, d.delivered_at, d.created_at,
           e.id AS event_id, e.type, e.model, e.version, e.summary, e.at
      FROM umbral_notification_deliveries d
      JOIN umbral_notification_channels c ON c.id = d.channel_id
      JOIN umbral_events e ON e.id = d.event_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY d.id DESC LIMIT $${params.length}`, params);
  return rows.map((row) => ({
    id: String(row.id), channel: row.channel, status: row.status, attempts: Number(row.attempts),
    nextAt: row.status === 'pending' ? iso(row.next_at) : null, lastError: row.last_error,
    deliveredAt: iso(row.delivered_at), createdAt: iso(row.created_at) as string,
    event: { id: String(row.event_id), type: row.type, model: row.model, version: row.version, summary: row.summary, at: iso(row.at) as string },
  }));
}
