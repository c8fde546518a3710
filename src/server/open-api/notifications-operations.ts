import { EVENT_TYPES } from '../../mlops/events/umbral-event.js';
import { CHANNEL_KINDS } from '../../mlops/notifications/channels/channel-driver.js';
import { anyObject, arrayOf, dateTime, integer, json, nullable, object, ok, string, type OperationDoc, type ResponseDoc, type Schema } from './operation-doc.js';

const P = '/admin/notifications';
const NONE: ResponseDoc = { description: 'done; no body' };
const NO_CHANNEL = 'no channel of that name';
const eventType = { type: 'string', enum: [...EVENT_TYPES] };
const status = { type: 'string', enum: ['pending', 'delivered', 'dead'] };

/** The bodies of the notifications API (mlops/notifications/notification-views.ts). */
export const NOTIFICATION_SCHEMAS: Readonly<Record<string, Schema>> = {
  NotificationChannel: object({
    id: string, name: string, kind: { type: 'string', enum: [...CHANNEL_KINDS] }, config: anyObject,
    secret: { type: 'string', enum: ['set', 'none'], description: 'whether the channel has a secret; the secret itself is never shown' },
    createdBy: string, createdAt: dateTime,
  }),
  NewNotificationChannel: object({
    name: string, kind: { type: 'string', enum: [...CHANNEL_KINDS] },
    config: { ...anyObject, description: 'non-secret settings of the kind (docs/guides/notifications.md)' },
    secret: { type: 'string', description: 'slack/discord: the webhook URL; telegram: the bot token; email: the SMTP password; webhook: the HMAC key' },
  }, ['config', 'secret']),
  NotificationChannelList: object({ channels: arrayOf('NotificationChannel') }),
  NotificationRule: object({ id: string, events: arrayOf({ type: 'string' }), model: string, channel: string, createdBy: string, createdAt: dateTime }),
  NewNotificationRule: object({
    events: { type: 'array', items: { type: 'string', enum: ['*', ...EVENT_TYPES] } }, model: { type: 'string', description: 'a model, or `*` (default)' }, channel: string,
  }, ['model']),
  NotificationRuleList: object({ rules: arrayOf('NotificationRule') }),
  NotificationDelivery: object({
    id: string, channel: string, status, attempts: integer, nextAt: nullable(dateTime), lastError: nullable(string),
    deliveredAt: nullable(dateTime), createdAt: dateTime,
    event: object({ id: string, type: eventType, model: nullable(string), version: nullable(string), summary: string, at: dateTime }),
  }),
  NotificationDeliveryList: object({ deliveries: arrayOf('NotificationDelivery') }),
};

/** The notifications API (routes/admin-notifications.ts). */
export const NOTIFICATIONS_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  [`GET ${P}/channels`]: {
    operationId: 'listNotificationChannels', summary: 'List notification channels (secrets never shown)', tag: 'admin-notifications',
    responses: { 200: ok('the channels', 'NotificationChannelList') }, errors: {},
  },
  [`POST ${P}/channels`]: {
    operationId: 'addNotificationChannel', summary: 'Add a channel: Slack, Discord, Telegram, email or signed webhook', tag: 'admin-notifications',
    body: { content: json('NewNotificationChannel') },
    responses: { 201: ok('the channel', 'NotificationChannel') },
    errors: { 400: 'unknown kind, a URL that is not http(s), a missing setting (every problem listed)', 409: 'a channel of that name exists' },
  },
  [`GET ${P}/channels/:name`]: {
    operationId: 'getNotificationChannel', summary: 'One channel', tag: 'admin-notifications',
    responses: { 200: ok('the channel', 'NotificationChannel') }, errors: { 404: NO_CHANNEL },
  },
  [`DELETE ${P}/channels/:name`]: {
    operationId: 'removeNotificationChannel', summary: 'Remove a channel with its rules and delivery history', tag: 'admin-notifications',
    responses: { 204: NONE }, errors: { 404: NO_CHANNEL },
  },
  [`POST ${P}/channels/:name/test`]: {
    operationId: 'testNotificationChannel', summary: 'Queue a test message to one channel; its delivery shows the outcome', tag: 'admin-notifications',
    responses: { 202: ok('the queued delivery', 'NotificationDelivery') }, errors: { 404: NO_CHANNEL },
  },
  [`GET ${P}/rules`]: {
    operationId: 'listNotificationRules', summary: 'List routing rules', tag: 'admin-notifications',
    responses: { 200: ok('the rules', 'NotificationRuleList') }, errors: {},
  },
  [`POST ${P}/rules`]: {
    operationId: 'addNotificationRule', summary: 'Route event types (or `*`) about a model (or `*`) to a channel', tag: 'admin-notifications',
    body: { content: json('NewNotificationRule') },
    responses: { 201: ok('the rule', 'NotificationRule') },
    errors: { 400: 'an unknown event type, no event type, a malformed model', 404: NO_CHANNEL },
  },
  [`DELETE ${P}/rules/:id`]: {
    operationId: 'removeNotificationRule', summary: 'Remove a rule', tag: 'admin-notifications',
    responses: { 204: NONE }, errors: { 404: 'no rule with that id' },
  },
  [`GET ${P}/deliveries`]: {
    operationId: 'listNotificationDeliveries', summary: 'Delivery history, newest first (filter by status, channel, type, model)', tag: 'admin-notifications',
    responses: { 200: ok('the deliveries', 'NotificationDeliveryList') }, errors: {},
  },
  [`GET ${P}/deliveries/:id`]: {
    operationId: 'getNotificationDelivery', summary: 'One delivery', tag: 'admin-notifications',
    responses: { 200: ok('the delivery', 'NotificationDelivery') }, errors: { 404: 'no delivery with that id' },
  },
  [`POST ${P}/deliveries/:id/retry`]: {
    operationId: 'retryNotificationDelivery', summary: 'Queue a dead delivery again, its tries reset', tag: 'admin-notifications',
    responses: { 200: ok('the delivery, pending', 'NotificationDelivery') }, errors: { 400: 'the delivery is not dead', 404: 'no delivery with that id' },
  },
};
