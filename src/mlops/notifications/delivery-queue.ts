import type { Queryable } from '../../store/database.js';
import type { EventType } from '../events/umbral-event.js';
import type { ChannelKind, StoredEvent } from './channels/channel-driver.js';

/** A delivery claimed for one try: the event, the channel and the try's number (1 for the first). */
export interface ClaimedDelivery {
  readonly id: string;
  readonly attempt: number;
  /** The token that lets only this claimer finish the delivery. */
  readonly claim: string;
  readonly event: StoredEvent;
  readonly channel: { readonly id: string; readonly name: string; readonly kind: ChannelKind; readonly config: Record<string, unknown>; readonly secret: string | null };
}

interface ClaimRow {
  id: string; attempts: number; event_id: string; type: EventType; model: string | null; version: string | null;
  summary: string; details: Record<string, unknown>; at: Date | string;
  channel_id: string; name: string; kind: ChannelKind; config: Record<string, unknown>; secret: string | null;
}

/**
 * Makes the deliveries of events not fanned out yet: one per event and channel whose rules match
 * the event's type and model (`UNIQUE (event_id, channel_id)` keeps it one, whoever else fans out
 * at the same time). Returns how many events it handled.
 */
export async function fanOut(q: Queryable, limit: number): Promise<number> {
  const rows = await q.query<{ id: string }>(`
    WITH batch AS (
      SELECT id, type, model FROM umbral_events WHERE fanned_out_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
    ), made AS (
      INSERT INTO umbral_notification_deliveries (event_id, channel_id)
      SELECT DISTINCT b.id, r.channel_id FROM batch b JOIN umbral_notification_rules r
        ON ('*' = ANY (r.event_types) OR b.type = ANY (r.event_types)) AND (r.model = '*' OR r.model = b.model)
      ON CONFLICT (event_id, channel_id) DO NOTHING
      RETURNING event_id
    )
    -- A data-modifying WITH runs once, to completion, whether or not the outer statement reads it.
    UPDATE umbral_events SET fanned_out_at = now() WHERE id IN (SELECT id FROM batch)
    RETURNING id`, [limit]);
  return rows.length;
}

/**
 * Claims up to `limit` due deliveries for one try each: the row is locked only for this statement
 * (`FOR UPDATE SKIP LOCKED`: replicas take different rows), its `next_at` moved past `leaseMs` so no
 * one else takes it while it is sent, its try counted. A claimer that dies leaves it to be claimed
 * again once the lease ends.
 */
export async function claimDue(q: Queryable, claim: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const rows = await q.query<ClaimRow>(`
    UPDATE umbral_notification_deliveries d
       SET attempts = d.attempts + 1, claim = $1, next_at = now() + $2::integer * interval '1 millisecond'
      FROM umbral_events e, umbral_notification_channels c
     WHERE d.id IN (SELECT id FROM umbral_notification_deliveries WHERE status = 'pending' AND next_at <= now()
                    ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       AND e.id = d.event_id AND c.id = d.channel_id
    RETURNING d.id, d.attempts, e.id AS event_id, e.type, e.model, e.version, e.summary, e.details, e.at,
              c.id AS channel_id, c.name, c.kind, c.config, c.secret`, [claim, leaseMs, limit]);
  return rows.map((row) => ({
    id: String(row.id), attempt: Number(row.attempts), claim,
    event: {
      id: String(row.event_id), type: row.type, model: row.model, version: row.version,
      summary: row.summary, details: row.details, at: new Date(row.at),
    },
    channel: { id: String(row.channel_id), name: row.name, kind: row.kind, config: row.config, secret: row.secret },
  }));
}

/** What one try came to. */
export type TryOutcome =
  | { readonly status: 'delivered' }
  | { readonly status: 'retry'; readonly error: string; readonly delayMs: number }
  | { readonly status: 'dead'; readonly error: string };

/** Records a try's outcome; only the claimer holding `claim` can (a try past its lease changes nothing). */
export async function finishTry(q: Queryable, delivery: Pick<ClaimedDelivery, 'id' | 'claim'>, outcome: TryOutcome): Promise<void> {
  const key = [delivery.id, delivery.claim];
  if (outcome.status === 'delivered') {
    await q.query(`UPDATE umbral_notification_deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL, claim = NULL
                   WHERE id = $1 AND claim = $2`, key);
  } else if (outcome.status === 'retry') {
    await q.query(`UPDATE umbral_notification_deliveries SET next_at = now() + $3::integer * interval '1 millisecond', last_error = $4, claim = NULL
                   WHERE id = $1 AND claim = $2`, [...key, Math.round(outcome.delayMs), outcome.error]);
  } else {
    await q.query(`UPDATE umbral_notification_deliveries SET status = 'dead', last_error = $3, claim = NULL
                   WHERE id = $1 AND claim = $2`, [...key, outcome.error]);
  }
}

/** Milliseconds until the next pending delivery is due (0 when one is due now); undefined when none is pending. */
export async function nextDueMs(q: Queryable): Promise<number | undefined> {
  // Not GREATEST(0, …) in SQL: GREATEST ignores NULL, so no pending delivery would read as "due now"
  // and the dispatcher would go round every few milliseconds with nothing to do.
  const [row] = await q.query<{ ms: string | number | null }>(
    `SELECT EXTRACT(EPOCH FROM (min(next_at) - now())) * 1000 AS ms FROM umbral_notification_deliveries WHERE status = 'pending'`);
  return row?.ms === null || row?.ms === undefined ? undefined : Math.max(0, Number(row.ms));
}

/** Removes events older than `days` that have no pending delivery (their deliveries go with them). */
export async function pruneEvents(q: Queryable, days: number): Promise<number> {
  const rows = await q.query(`
    DELETE FROM umbral_events e WHERE e.at < now() - $1::integer * interval '1 day' AND e.fanned_out_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM umbral_notification_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
    RETURNING e.id`, [days]);
  return rows.length;
}
