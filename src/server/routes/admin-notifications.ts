import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EVENT_TYPES } from '../../mlops/events/umbral-event.js';
import type { NotificationAdmin } from '../../mlops/notifications/notification-admin.js';

export interface AdminNotificationsDeps {
  readonly notifications: NotificationAdmin;
}

const READ = { access: 'admin:read' } as const;
const WRITE = { access: 'admin:write' } as const;
const P = '/admin/notifications';
const name = { type: 'string', minLength: 1, maxLength: 128 } as const;
const id = { type: 'string', pattern: '^[0-9]{1,18}$' } as const;
const byName = { type: 'object', required: ['name'], properties: { name } } as const;
const byId = { type: 'object', required: ['id'], properties: { id } } as const;
const deliveryQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['pending', 'delivered', 'dead'] }, channel: name,
    type: { type: 'string', enum: [...EVENT_TYPES] }, model: name,
    limit: { type: 'integer', minimum: 1, maximum: 1000 }, before: { type: 'integer', minimum: 1 },
  },
} as const;
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

type Named = { Params: { name: string } };
type ById = { Params: { id: string } };
type DeliveryQuery = { Querystring: { status?: 'pending' | 'delivered' | 'dead'; channel?: string; type?: string; model?: string; limit?: number; before?: number } };

/**
 * Notifications (docs/guides/notifications.md): channels (their secrets never shown), routing
 * rules, a test message through the same delivery path as any event, and the delivery history.
 */
export async function adminNotificationsRoutes(app: FastifyInstance, deps: AdminNotificationsDeps): Promise<void> {
  const { notifications } = deps;

  app.get(`${P}/channels`, { config: READ }, async () => ({ channels: await notifications.listChannels() }));
  app.post(`${P}/channels`, { config: WRITE }, async (request, reply) =>
    reply.code(201).send(await notifications.addChannel(request.body, actor(request))));
  app.get<Named>(`${P}/channels/:name`, { config: READ, schema: { params: byName } }, (request) => notifications.getChannel(request.params.name));
  app.delete<Named>(`${P}/channels/:name`, { config: WRITE, schema: { params: byName } }, async (request, reply) => {
    await notifications.removeChannel(request.params.name);
    return reply.code(204).send();
  });
  app.post<Named>(`${P}/channels/:name/test`, { config: WRITE, schema: { params: byName } }, async (request, reply) =>
    reply.code(202).send(await notifications.test(request.params.name, actor(request))));

  app.get(`${P}/rules`, { config: READ }, async () => ({ rules: await notifications.listRules() }));
  app.post(`${P}/rules`, { config: WRITE }, async (request, reply) =>
    reply.code(201).send(await notifications.addRule(request.body, actor(request))));
  app.delete<ById>(`${P}/rules/:id`, { config: WRITE, schema: { params: byId } }, async (request, reply) => {
    await notifications.removeRule(request.params.id);
    return reply.code(204).send();
  });

  app.get<DeliveryQuery>(`${P}/deliveries`, { config: READ, schema: { querystring: deliveryQuery } }, async (request) =>
    ({ deliveries: await notifications.deliveries(request.query) }));
  app.get<ById>(`${P}/deliveries/:id`, { config: READ, schema: { params: byId } }, (request) => notifications.delivery(request.params.id));
  app.post<ById>(`${P}/deliveries/:id/retry`, { config: WRITE, schema: { params: byId } }, (request) => notifications.retry(request.params.id));
}
