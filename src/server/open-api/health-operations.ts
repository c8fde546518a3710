import { ok, type OperationDoc } from './operation-doc.js';

/** Health, metrics and `/info` (routes/operations.ts). */
export const HEALTH_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /health/live': {
    operationId: 'live', summary: 'Liveness: the process answers', tag: 'operations',
    responses: { 200: ok('live', 'Live') }, errors: {},
  },
  'GET /health/ready': {
    operationId: 'ready', summary: 'Readiness: every required model serves, the server is not stopping', tag: 'operations',
    responses: { 200: ok('ready', 'Readiness'), 503: ok('not ready; `problems` says why', 'Readiness') }, errors: {},
  },
  'GET /metrics': {
    operationId: 'metrics', summary: 'Prometheus metrics', tag: 'operations',
    description: 'Public when `auth.publicMetrics` is set; otherwise it needs `admin:read` (the security of this operation says which applies to this server).',
    responses: { 200: { description: "Prometheus' text exposition format", content: { 'text/plain': { schema: { type: 'string' } } } } }, errors: {},
  },
  'GET /info': {
    operationId: 'info', summary: 'Version, uptime, models, cache, limits and configuration (secrets redacted)', tag: 'operations',
    responses: { 200: ok('the server\'s state', 'Info') }, errors: {},
  },
};
