import { arrayOf, dateTime, integer, mapOf, nullable, number, object, ok, string, type OperationDoc } from './operation-doc.js';

const quantiles = nullable(object({ p50: number, p99: number }));
const version = object({
  version: { ...string, description: 'the target version the copies went to' },
  target: { ...string, description: 'the policy\'s target as written (3, alias:challenger)' },
  requests: object({ agreed: integer, disagreed: integer, failed: integer, dropped: integer }),
  agreementRate: nullable(number), meanOutputDifference: nullable(number),
  latencyMs: object({ primary: quantiles, shadow: quantiles }),
  failures: mapOf(integer),
  lastFailure: nullable(object({ code: string, message: string, at: dateTime })),
});
const report = object({
  model: string, scope: { type: 'string', enum: ['process'], description: 'counts are this replica\'s, since it started' }, since: dateTime,
  shadow: nullable(object({ target: string, version: string, sampleRate: number })),
  versions: arrayOf(version),
});

/** Shadow traffic (routes/admin-shadow.ts, docs/guides/shadow.md). */
export const ADMIN_SHADOW_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /admin/models/:model/shadow': {
    operationId: 'getShadow', summary: 'How a model\'s mirrored requests compared with the client\'s answers (policy traffic.shadow)', tag: 'admin-models',
    description: 'Per target version, since this process started: outcomes (agreed, disagreed, failed, dropped), agreement rate, '
      + 'mean absolute output difference, and latency p50/p99 of the client\'s requests and of their shadow copies.',
    responses: { 200: ok('the shadow report', report) }, errors: { 404: 'the model is not in the registry', 503: 'the database is unavailable' },
  },
};
