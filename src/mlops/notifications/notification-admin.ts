import { z } from 'zod';
import { Errors } from '../../errors/catalogue.js';
import type { Database } from '../../store/database.js';
import { EVENT_TYPES, isEventType } from '../events/umbral-event.js';
import { CHANNEL_KINDS, isChannelKind, type ChannelDriver, type ChannelKind } from './channels/channel-driver.js';
import { secretContext } from './channel-secret.js';
import { readChannels, readDeliveries, readRules } from './notification-store.js';
import type { ChannelView, DeliveryFilter, DeliveryView, RuleView } from './notification-views.js';
import { insertEvent } from './outbox-event-sink.js';
import type { SecretBox } from './secret-box.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MODEL = /^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;
const ID = /^[1-9][0-9]{0,17}$/;

const channelBody = z.object({
  name: z.string(), kind: z.string(), config: z.record(z.string(), z.unknown()).optional(), secret: z.string().max(4096).optional(),
}).strict();
const ruleBody = z.object({ events: z.array(z.string()), model: z.string().optional(), channel: z.string() }).strict();

export interface NotificationAdminDeps {
  readonly db: Database;
  readonly drivers: Readonly<Record<ChannelKind, ChannelDriver>>;
  readonly secrets: SecretBox;
}

/**
 * What the admin API and the CLI do with notifications: channels (secrets sealed on the way in,
 * never shown on the way out), routing rules, a test message, and the delivery history.
 */
export class NotificationAdmin {
  constructor(private readonly deps: NotificationAdminDeps) {}

  listChannels(): Promise<ChannelView[]> {
    return readChannels(this.deps.db);
  }

  async getChannel(name: string): Promise<ChannelView> {
    const [channel] = await readChannels(this.deps.db, name);
    if (!channel) throw Errors.channelNotFound(name);
    return channel;
  }

  /** Adds a channel: 400 with every problem of its settings, 409 when the name is taken. */
  async addChannel(body: unknown, actor: string): Promise<ChannelView> {
    const parsed = channelBody.safeParse(body);
    if (!parsed.success) throw Errors.channelInvalid(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const { name, kind, config, secret } = parsed.data;
    const problems = NAME.test(name) ? [] : ['name: 1-128 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit'];
    if (!isChannelKind(kind)) throw Errors.channelInvalid([...problems, `kind: '${kind}' is not a channel kind; use one of ${CHANNEL_KINDS.join(', ')}`]);
    const checked = this.deps.drivers[kind].check(config ?? {}, secret === '' ? undefined : secret);
    if (!checked.ok) problems.push(...checked.problems);
    if (problems.length > 0 || !checked.ok) throw Errors.channelInvalid(problems);
    const sealed = checked.secret === undefined ? null : this.deps.secrets.seal(checked.secret, secretContext({ name, kind }));
    const inserted = await this.deps.db.query(
      `INSERT INTO umbral_notification_channels (name, kind, config, secret, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING RETURNING id`, [name, kind, JSON.stringify(checked.config), sealed, actor]);
    if (inserted.length === 0) throw Errors.channelExists(name);
    return this.getChannel(name);
  }

  /** Removes a channel with its rules and delivery history. */
  async removeChannel(name: string): Promise<void> {
    const removed = await this.deps.db.query('DELETE FROM umbral_notification_channels WHERE name = $1 RETURNING id', [name]);
    if (removed.length === 0) throw Errors.channelNotFound(name);
  }

  listRules(): Promise<RuleView[]> {
    return readRules(this.deps.db);
  }

  /** Adds a rule: 400 for an unknown event type or a malformed model, 404 for an unknown channel. */
  async addRule(body: unknown, actor: string): Promise<RuleView> {
    const parsed = ruleBody.safeParse(body);
    if (!parsed.success) throw Errors.ruleInvalid(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const { events, model = '*', channel } = parsed.data;
    const problems: string[] = [];
    if (events.length === 0) problems.push('events: list at least one event type, or "*" for every type');
    events.forEach((type, i) => {
      if (type !== '*' && !isEventType(type)) problems.push(`events[${i}]: '${type}' is not an event type; use one of ${EVENT_TYPES.join(', ')} or "*"`);
    });
    if (!MODEL.test(model)) problems.push('model: a model name, or "*" for every model');
    if (problems.length > 0) throw Errors.ruleInvalid(problems);
    const [row] = await this.deps.db.query<{ id: string }>(
      `INSERT INTO umbral_notification_rules (event_types, model, channel_id, created_by)
       SELECT $1::text[], $2, id, $4 FROM umbral_notification_channels WHERE name = $3 RETURNING id`,
      [[...new Set(events)], model, channel, actor]);
    if (!row) throw Errors.channelNotFound(channel);
    return (await readRules(this.deps.db, String(row.id)))[0] as RuleView;
  }

  async removeRule(id: string): Promise<void> {
    const removed = ID.test(id) ? await this.deps.db.query('DELETE FROM umbral_notification_rules WHERE id = $1 RETURNING id', [id]) : [];
    if (removed.length === 0) throw Errors.ruleNotFound(id);
  }

  /**
   * Queues a `test` event for one channel alone (whatever the rules say), delivered by the
   * dispatcher like any other: its delivery shows whether the channel works.
   */
  async test(name: string, actor: string): Promise<DeliveryView> {
    const id = await this.deps.db.transaction(async (tx) => {
      const [channel] = await tx.query<{ id: string }>('SELECT id FROM umbral_notification_channels WHERE name = $1', [name]);
      if (!channel) throw Errors.channelNotFound(name);
      const eventId = await insertEvent(tx, {
        type: 'test', summary: `Test message from umbral to channel ${name}, sent by ${actor}`, details: { channel: name, actor },
      }, true);
      const [delivery] = await tx.query<{ id: string }>(
        'INSERT INTO umbral_notification_deliveries (event_id, channel_id) VALUES ($1, $2) RETURNING id', [eventId, channel.id]);
      return String(delivery?.id);
    });
    return this.delivery(id);
  }

  deliveries(filter: DeliveryFilter): Promise<DeliveryView[]> {
    return readDeliveries(this.deps.db, filter);
  }

  async delivery(id: string): Promise<DeliveryView> {
    const [delivery] = ID.test(id) ? await readDeliveries(this.deps.db, { id }) : [];
    if (!delivery) throw Errors.deliveryNotFound(id);
    return delivery;
  }

  /** Puts a dead delivery back in the queue with its tries reset (after fixing the channel). */
  async retry(id: string): Promise<DeliveryView> {
    const rows = ID.test(id) ? await this.deps.db.query(
      `UPDATE umbral_notification_deliveries SET status = 'pending', attempts = 0, next_at = now(), claim = NULL
        WHERE id = $1 AND status = 'dead' RETURNING id`, [id]) : [];
    if (rows.length === 0) {
      const current = await this.delivery(id);
      throw Errors.invalidRequest('delivery', `is ${current.status}; only a dead delivery can be retried`);
    }
    await this.deps.db.notify('umbral_events', '');
    return this.delivery(id);
  }
}
