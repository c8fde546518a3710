import { ACCESS_OPERATIONS, AUTH_OPERATIONS } from './access-operations.js';
import { ADMIN_DRIFT_OPERATIONS } from './admin-drift-operations.js';
import { ADMIN_EVALUATION_OPERATIONS } from './admin-evaluation-operations.js';
import { ADMIN_SHADOW_OPERATIONS } from './admin-shadow-operations.js';
import { ADMIN_ROLLOUT_OPERATIONS } from './admin-rollout-operations.js';
import { ADMIN_MODELS_OPERATIONS } from './admin-models-operations.js';
import { ADMIN_JOBS_OPERATIONS, JOBS_SCHEMAS } from './admin-jobs-operations.js';
import { ADMIN_SCHEMAS } from './admin-schemas.js';
import { HEALTH_OPERATIONS } from './health-operations.js';
import { KSERVE_OPERATIONS } from './kserve-operations.js';
import { NOTIFICATION_SCHEMAS, NOTIFICATIONS_OPERATIONS } from './notifications-operations.js';
import { MONITORING_OPERATIONS } from './monitoring-operations.js';
import { OPENAI_OPERATIONS } from './openai-operations.js';
import type { OperationDoc, Schema, Tag } from './operation-doc.js';
import { SERVING_OPERATIONS } from './serving-operations.js';
import { WIRE_SCHEMAS } from './wire-schemas.js';

/**
 * The documentation of every HTTP route, keyed `METHOD url` as fastify registers it
 * (`POST /v2/models/:model/infer`). A route without an entry is missing from `/docs`, which the
 * OpenAPI test refuses; an entry without a route is never looked up. HEAD routes are their GET's.
 */
export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  ...KSERVE_OPERATIONS, ...OPENAI_OPERATIONS, ...ADMIN_MODELS_OPERATIONS, ...SERVING_OPERATIONS,
  ...ACCESS_OPERATIONS, ...AUTH_OPERATIONS, ...HEALTH_OPERATIONS, ...ADMIN_JOBS_OPERATIONS,
  ...NOTIFICATIONS_OPERATIONS, ...MONITORING_OPERATIONS, ...ADMIN_DRIFT_OPERATIONS, ...ADMIN_EVALUATION_OPERATIONS,
  ...ADMIN_SHADOW_OPERATIONS, ...ADMIN_ROLLOUT_OPERATIONS,
};

/** The key of a route in `OPERATIONS`. */
export const operationKey = (method: string, url: string): string => `${method.toUpperCase()} ${url}`;

/** Every body the operations name (`components.schemas`). */
export const SCHEMAS: Readonly<Record<string, Schema>> = { ...WIRE_SCHEMAS, ...ADMIN_SCHEMAS, ...JOBS_SCHEMAS, ...NOTIFICATION_SCHEMAS };

/** The tags, in the order the page shows them; the compiler keeps the list complete. */
export const TAGS: Readonly<Record<Tag, string>> = {
  'kserve-v2': 'Open Inference Protocol (KServe v2) REST, with Triton\'s extensions: the clients of Triton and KServe work unchanged',
  openai: 'OpenAI-compatible API for models served by an openai backend: OpenAI\'s SDKs work unchanged; errors in OpenAI\'s shape',
  'admin-models': 'The model registry: models, versions, tags, aliases, promotion, rollback, reload, serving policy',
  'admin-serving': 'Remote servers behind models (breakers, server lists, Triton\'s model repository) and the response cache',
  'admin-access': 'API keys, users and the authentication audit trail',
  'admin-jobs': 'Scheduled jobs: built-in checks and operators\' retrain triggers, their runs, run now',
  'admin-notifications': 'Notification channels (Slack, Discord, Telegram, email, signed webhooks), routing rules, test messages, delivery history',
  auth: 'Users\' own accounts: register, log in, refresh, log out, password; the JWKS',
  operations: 'Health for orchestrators, Prometheus metrics, /info',
};
