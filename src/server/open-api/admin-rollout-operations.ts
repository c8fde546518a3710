import { anyObject, arrayOf, dateTime, integer, json, nullable, number, object, ok, string, type OperationDoc, type Schema } from './operation-doc.js';

const step = object({ share: { ...integer, description: 'the challenger\'s percent of the requests, 1-100, larger than the step before; the last is 100' },
  duration: { ...string, description: 'how long the step holds: 300ms, 10s, 10m, 1h (default 0)' } }, ['duration']);
const plan: Schema = object({
  steps: arrayOf(step),
  guards: object({
    max_error_rate: number, max_p99_ms: number, max_quality_drop: number, min_shadow_agreement: number,
    min_requests: { ...integer, description: 'challenger requests a step needs before it is judged and may end (default 10)' },
  }, ['max_error_rate', 'max_p99_ms', 'max_quality_drop', 'min_shadow_agreement', 'min_requests']),
}, ['guards']);
const rollout = object({
  id: string, model: string, status: { type: 'string', enum: ['running', 'promoted', 'aborted'] },
  champion: integer, challenger: integer, step: { ...integer, description: 'the step it is at, from 1' }, steps: integer,
  share: { ...integer, description: 'the challenger\'s share at this step' }, step_started_at: dateTime, plan,
  reason: nullable(string), started_by: string, started_at: dateTime, ended_at: nullable(dateTime),
});
const event = object({ at: dateTime, kind: { type: 'string', enum: ['started', 'step', 'promoted', 'aborted'] }, step: nullable(integer), share: nullable(integer), detail: nullable(anyObject) });

/** Canary rollouts (routes/admin-rollouts.ts, docs/guides/canary.md). */
export const ADMIN_ROLLOUT_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'POST /admin/models/:model/rollouts': {
    operationId: 'startRollout', summary: 'Start a canary rollout of the challenger: steps of traffic share, guards, then promotion', tag: 'admin-models',
    description: 'Checks the plan, the aliases and the policy (a prediction log, no split of its own), judges the challenger by the promotion gate, '
      + 'then writes the first step into the policy\'s traffic.split. A failing guard rolls back at once (canary.aborted); a passing plan promotes.',
    body: { content: json(plan) },
    responses: { 201: ok('the rollout, running at its first step', rollout) },
    errors: {
      400: 'the plan is invalid (shares not increasing, not ending at 100, a bad duration or guard): every problem is named',
      404: 'the model is not in the registry',
      409: 'a rollout of the model is running (named), no champion or challenger alias, a split already in the policy, no prediction log, or the gate refused the challenger',
    },
  },
  'GET /admin/models/:model/rollouts': {
    operationId: 'listRollouts', summary: 'A model\'s rollouts, newest first', tag: 'admin-models',
    responses: { 200: ok('the rollouts', object({ model: string, rollouts: arrayOf(rollout) })) }, errors: { 404: 'the model is not in the registry' },
  },
  'GET /admin/models/:model/rollouts/current': {
    operationId: 'getRollout', summary: 'The running rollout: its step, share and history', tag: 'admin-models',
    responses: { 200: ok('the running rollout with its events', { ...rollout, properties: { ...(rollout.properties as object), events: arrayOf(event) } }) },
    errors: { 404: 'the model is not in the registry, or no rollout of it is running' },
  },
  'POST /admin/models/:model/rollouts/current/abort': {
    operationId: 'abortRollout', summary: 'Abort the running rollout: the challenger\'s share goes to 0, the champion keeps serving', tag: 'admin-models',
    responses: { 200: ok('the rollout, aborted', rollout) }, errors: { 404: 'the model is not in the registry, or no rollout of it is running' },
  },
};
