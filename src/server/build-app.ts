import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Access } from '../access/open-access.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { Config } from '../config/schema.js';
import { Errors } from '../errors/catalogue.js';
import type { DataPlane } from '../inference/data-plane.js';
import type { LlmPlane } from '../inference/llm-plane.js';
import type { ModelHost } from '../inference/model-host.js';
import type { Metrics } from '../observability/metrics.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import type { Registry } from '../registry/registry.js';
import type { ModelAdmin } from '../control/model-admin.js';
import type { JobScheduler } from '../control/jobs/job-scheduler.js';
import type { NotificationAdmin } from '../mlops/notifications/notification-admin.js';
import { adminNotificationsRoutes } from './routes/admin-notifications.js';
import type { DriftMonitor } from '../mlops/drift/drift-monitor.js';
import { adminDriftRoutes } from './routes/admin-drift.js';
import type { Evaluations } from '../mlops/evaluation/evaluations.js';
import { adminEvaluationRoutes } from './routes/admin-evaluations.js';
import type { Lifecycle } from './lifecycle.js';
import type { Readiness } from './readiness.js';
import type { Database } from '../store/database.js';
import { registerAccessControl, type RouteAccessEntry } from './plugins/access-control.js';
import { registerOpenApi } from './plugins/open-api.js';
import { registerSecurityHeaders, SECURITY_HEADERS } from './plugins/security-headers.js';
import { registerFiniteQueryCheck } from './plugins/finite-query-check.js';
import { registerStorableBodyCheck } from './plugins/storable-body-check.js';
import { registerUrlTextCheck } from './plugins/url-text-check.js';
import { adminAccessRoutes } from './routes/admin-access.js';
import { authRoutes } from './routes/auth.js';
import { tracingEnabled } from '../observability/tracing.js';
import { registerRequestTracing } from './plugins/trace-requests.js';
import { adminCacheRoutes } from './routes/admin-cache.js';
import { adminUpstreamsRoutes } from './routes/admin-upstreams.js';
import { openAiRoutes } from './routes/openai.js';
import type { LlmUsageObserver } from '../observability/llm-metrics.js';
import { adminModelsRoutes } from './routes/admin-models.js';
import { adminPolicyRoutes } from './routes/admin-policy.js';
import { adminJobsRoutes } from './routes/admin-jobs.js';
import { registerAccessLog } from './plugins/access-log.js';
import { registerConnectionPolicy } from './plugins/connection-policy.js';
import { registerConnectionMetrics } from '../observability/connection-metrics.js';
import { guardConnections } from './connection-guard.js';
import { registerJsonParser } from './plugins/json-parser.js';
import { MAX_PARAM_LENGTH, renderError, toUmbralError } from './plugins/render-error.js';
import { requestId } from './plugins/request-id.js';
import { kserveExtensionRoutes } from './routes/kserve-extensions.js';
import { kserveV2Routes } from './routes/kserve-v2.js';
import { kserveGenerateRoutes } from './routes/kserve-generate.js';
import { operationsRoutes } from './routes/operations.js';
import type { LiveQuality } from '../mlops/quality/open-live-quality.js';
import { adminAbReportRoutes } from './routes/admin-ab-report.js';
import { adminFeedbackRoutes } from './routes/admin-feedback.js';
import { adminPredictionsRoutes } from './routes/admin-predictions.js';
import type { ShadowStats } from '../mlops/shadow/shadow-stats.js';
import { adminShadowRoutes } from './routes/admin-shadow.js';
import { adminRolloutsRoutes } from './routes/admin-rollouts.js';
import type { Rollouts } from '../control/rollouts/rollouts.js';

/** How often the HTTP server looks for connections past their header or request timeout. */
const CONNECTIONS_CHECK_MS = 1_000;

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly host: ModelHost;
  /** The data plane's one front for tensor protocols (KServe v2 REST and gRPC). */
  readonly plane: DataPlane;
  /** The data plane's one front for OpenAI-compatible calls. */
  readonly llm: LlmPlane;
  /** Token and call counts of LLM calls, fed by every transport (one set of metrics per process). */
  readonly llmObserver: LlmUsageObserver;
  readonly lifecycle: Lifecycle;
  /** The one verdict behind every readiness endpoint. */
  readonly readiness: Readiness;
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  /** Every change to what a model serves: uploads, aliases, promotion, rollback, policy. */
  readonly admin: ModelAdmin;
  readonly db: Database;
  readonly access: Access;
  readonly cache: ResponseCache;
  /** Scheduled jobs: built-in and operator ones, their runs (routes/admin-jobs.ts). */
  readonly jobs: JobScheduler;
  /** Notification channels, rules, test messages and delivery history. */
  readonly notifications: NotificationAdmin;
  /** Feedback and live quality (docs/guides/monitoring.md). */
  readonly quality: LiveQuality;
  /** Drift references and scores (docs/guides/drift.md). */
  readonly drift: DriftMonitor;
  /** How mirrored requests compared (docs/guides/shadow.md). */
  readonly shadow: ShadowStats;
  /** Evaluation datasets and reports (docs/guides/evaluation.md). */
  readonly evaluations: Evaluations;
  /** Canary rollouts (docs/guides/canary.md). */
  readonly rollouts: Rollouts;
  /** Filled with every route and the access it needs (the permission-matrix test reads it). */
  readonly routeTable?: RouteAccessEntry[];
}

/** The HTTP application: every route and hook, nothing listening yet (tests use `inject()`). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Our own access log writes one line per request (plugins/access-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    bodyLimit: config.server.bodyLimitBytes,
    // Requests that arrive while closing are still answered (with Connection: close); the rare 503
    // after that is umbral's own error with Retry-After, not fastify's (lifecycle.ts, connection-policy.ts).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Slow clients: headers, then the whole request, within their timeouts; idle kept-alive sockets within theirs.
    requestTimeout: config.server.bodyTimeoutMs,
    keepAliveTimeout: config.server.keepAliveTimeoutMs,
    http: { headersTimeout: config.server.headersTimeoutMs, connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    // request.ip keys login throttling and anonymous limits: trust X-Forwarded-For only when told to.
    trustProxy: config.auth.trustProxy,
    // Names are at most 128 characters: longer parameters reach the route's schema, which says so.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A URL the router cannot read (bad percent-encoding, an endless parameter) gets no hook: its
    // answer gets the security headers and the catalogue's shape here.
    frameworkErrors: (error, request, reply) => {
      reply.headers(SECURITY_HEADERS);
      renderError(toUmbralError(error, config.server.bodyLimitBytes), request, reply);
    },
  });
  if (config.server.maxConnections > 0) app.server.maxConnections = config.server.maxConnections;
  guardConnections(app.server, {
    maxPerAddress: config.server.maxConnectionsPerAddress, observer: registerConnectionMetrics(deps.metrics.registry),
  });
  registerConnectionPolicy(app, deps.lifecycle);
  if (tracingEnabled) registerRequestTracing(app);
  registerAccessLog(app, deps.metrics);
  // Security headers first: their hook must run before access control can refuse a request.
  await registerSecurityHeaders(app, { corsOrigins: config.server.corsOrigins, corsCredentials: config.server.corsCredentials });
  const { access } = deps;
  registerAccessControl(app, {
    enforced: access.enforced, authenticator: access.authenticator, limiter: access.limiter, metrics: deps.metrics,
    routes: deps.routeTable ?? [],
  });
  registerUrlTextCheck(app);
  registerStorableBodyCheck(app);
  registerFiniteQueryCheck(app);
  registerJsonParser(app);
  app.setErrorHandler((error, request, reply) => renderError(toUmbralError(error, config.server.bodyLimitBytes), request, reply));
  app.setNotFoundHandler((request, reply) => renderError(Errors.routeNotFound(request.method, request.url), request, reply));
  await registerOpenApi(app);
  await app.register(kserveV2Routes, deps);
  await app.register(kserveExtensionRoutes, deps);
  await app.register(adminModelsRoutes, { ...deps, maxArtifactBytes: config.registry.maxArtifactBytes });
  await app.register(adminPolicyRoutes, deps);
  await app.register(adminJobsRoutes, deps);
  await app.register(adminDriftRoutes, { drift: deps.drift, maxReferenceBytes: config.drift.maxReferenceBytes });
  await app.register(adminEvaluationRoutes, { evaluations: deps.evaluations, maxDatasetBytes: config.evaluation.maxDatasetBytes });
  const { llmObserver } = deps;
  await app.register(kserveGenerateRoutes, { llm: deps.llm, llmObserver });
  await app.register(openAiRoutes, {
    llm: deps.llm, lifecycle: deps.lifecycle, llmObserver, bodyLimitBytes: config.server.bodyLimitBytes,
  });
  await app.register(adminUpstreamsRoutes, deps);
  await app.register(adminCacheRoutes, deps);
  await app.register(operationsRoutes, deps);
  await app.register(authRoutes, { accounts: access.accounts, jwks: () => access.tokens.jwks() });
  await app.register(adminAccessRoutes, { ...access, db: deps.db });
  await app.register(adminNotificationsRoutes, { notifications: deps.notifications });
  await app.register(adminFeedbackRoutes, { quality: deps.quality, registry: deps.registry });
  await app.register(adminAbReportRoutes, { quality: deps.quality });
  await app.register(adminPredictionsRoutes, { db: deps.db, registry: deps.registry });
  await app.register(adminShadowRoutes, { shadow: deps.shadow, host: deps.host, registry: deps.registry });
  await app.register(adminRolloutsRoutes, { rollouts: deps.rollouts });
  return app;
}
