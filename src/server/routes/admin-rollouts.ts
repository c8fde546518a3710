import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Rollout, RolloutEvent } from '../../control/rollouts/rollout-store.js';
import type { Rollouts } from '../../control/rollouts/rollouts.js';

export interface AdminRolloutsDeps {
  readonly rollouts: Pick<Rollouts, 'start' | 'current' | 'history' | 'abort'>;
}

type M = { Params: { model: string } };
const params = { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const READ = { access: 'admin:read' } as const;
const WRITE = { access: 'admin:write' } as const;
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

/**
 * Canary rollouts (docs/guides/canary.md): start one with its plan, read the running one and the
 * history, abort. The plan is checked by its own schema (rollout-plan.ts) so that every problem is
 * named in one 400.
 */
export async function adminRolloutsRoutes(app: FastifyInstance, deps: AdminRolloutsDeps): Promise<void> {
  const { rollouts } = deps;

  app.post<M>('/admin/models/:model/rollouts', { config: WRITE, schema: { params } }, async (request, reply) => {
    const rollout = await rollouts.start(request.params.model, request.body, actor(request));
    return reply.code(201).send(rolloutJson(rollout));
  });

  app.get<M & { Querystring: { limit?: number } }>('/admin/models/:model/rollouts', {
    config: READ,
    schema: { params, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } },
  }, async (request) => ({
    model: request.params.model, rollouts: (await rollouts.history(request.params.model, request.query.limit ?? 20)).map(rolloutJson),
  }));

  app.get<M>('/admin/models/:model/rollouts/current', { config: READ, schema: { params } }, async (request) => {
    const { rollout, events } = await rollouts.current(request.params.model);
    return { ...rolloutJson(rollout), events: events.map(eventJson) };
  });

  app.post<M & { Body: { reason?: string } | undefined }>('/admin/models/:model/rollouts/current/abort', {
    config: WRITE,
    schema: { params, body: { type: ['object', 'null'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } } } },
  }, async (request) => {
    const rollout = await rollouts.abort(request.params.model, actor(request), request.body?.reason);
    return rolloutJson({ ...rollout, status: 'aborted' });
  });
}

export function rolloutJson(rollout: Rollout) {
  const step = rollout.plan.steps[rollout.step];
  return {
    id: rollout.id, model: rollout.model, status: rollout.status, champion: rollout.champion, challenger: rollout.challenger,
    step: rollout.step + 1, steps: rollout.plan.steps.length, share: step?.share ?? 0,
    step_started_at: rollout.stepStartedAt.toISOString(), plan: rollout.plan, reason: rollout.reason,
    started_by: rollout.startedBy, started_at: rollout.startedAt.toISOString(), ended_at: rollout.endedAt?.toISOString() ?? null,
  };
}

function eventJson(event: RolloutEvent) {
  return { at: event.at.toISOString(), kind: event.kind, step: event.step === null ? null : event.step + 1, share: event.share, detail: event.detail };
}
