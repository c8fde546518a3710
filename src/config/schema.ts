import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { setting, type ConfigOf } from './setting.js';

const cores = availableParallelism();
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

/**
 * Every setting of the server. YAML keys are the dotted paths (`server.port` is `server: {port: …}`);
 * environment variables override the YAML file, command-line flags override both. The settings
 * table of docs/reference/configuration.md is generated from this tree (`npm run docs:settings`).
 */
export const SETTINGS = {
  env: setting('UMBRAL_ENV', z.enum(['development', 'production']), 'development',
    'development: binds 127.0.0.1 and access control may be off; production: access control is required and start-up refuses without its secrets.'),
  server: {
    host: setting('UMBRAL_HOST', z.string(), '',
      'Address the HTTP server binds to; empty = 127.0.0.1 in development, 0.0.0.0 (every interface) in production.'),
    port: setting('UMBRAL_PORT', port, 8080, 'HTTP port; 0 picks a free one.'),
    workers: setting('UMBRAL_WORKERS', z.number().int().min(1).max(64), 1,
      'Processes serving on the same ports (node:cluster), restarted when they die; more than 1 needs DATABASE_URL, and REDIS_URL for one cache and global rate limits.'),
    bodyLimitBytes: setting('UMBRAL_BODY_LIMIT_BYTES', positiveInt, 8 * 1024 * 1024,
      'Largest request body accepted; larger bodies get 413.'),
    requestTimeoutMs: setting('UMBRAL_REQUEST_TIMEOUT_MS', positiveInt, 30_000,
      'Deadline of one inference request, queueing included; past it the client gets 504.'),
    shutdownTimeoutMs: setting('UMBRAL_SHUTDOWN_TIMEOUT_MS', positiveInt, 30_000,
      'On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits.'),
    shutdownDelayMs: setting('UMBRAL_SHUTDOWN_DELAY_MS', z.number().int().min(0), 0,
      'On SIGTERM/SIGINT, how long to keep serving with readiness off before closing the listeners (lets a load balancer notice); a second signal ends it early.'),
    headersTimeoutMs: setting('UMBRAL_HEADERS_TIMEOUT_MS', positiveInt, 10_000,
      'Longest a client may take to send a request\'s headers; then the connection is closed (slow-header attacks).'),
    bodyTimeoutMs: setting('UMBRAL_BODY_TIMEOUT_MS', positiveInt, 120_000,
      'Longest a client may take to send a whole request, body included; then 408 and the connection is closed. Artifact uploads must fit in it.'),
    keepAliveTimeoutMs: setting('UMBRAL_KEEP_ALIVE_TIMEOUT_MS', positiveInt, 72_000,
      'How long an idle kept-alive connection stays open; keep it above the load balancer\'s own idle timeout (60 s on most).'),
    maxConnectionsPerAddress: setting('UMBRAL_MAX_CONNECTIONS_PER_ADDRESS', z.number().int().min(0), 1024,
      'Connections one client address may hold open; more are closed on accept; 0 = no cap. Behind a load balancer every connection has its address: leave room for its pool.'),
    maxConnections: setting('UMBRAL_MAX_CONNECTIONS', z.number().int().min(0), 0,
      'Connections the HTTP server holds open in all; more are closed on accept; 0 = no cap (keep it under the process\'s open-file limit).'),
    corsOrigins: setting('UMBRAL_CORS_ORIGINS', z.array(z.string().min(1)), [],
      'Origins allowed to call from a browser (comma-separated, exact `https://app.example.com`, or `*` without credentials); empty = no CORS.'),
    corsCredentials: setting('UMBRAL_CORS_CREDENTIALS', z.boolean(), false,
      'Let allowed origins send credentials (cookies, Authorization); refused together with `*`.'),
  },
  grpc: {
    enabled: setting('UMBRAL_GRPC', z.boolean(), true,
      'Serve the Open Inference Protocol over gRPC too (inference.GRPCInferenceService), on server.host, with the same access control and limits.'),
    port: setting('UMBRAL_GRPC_PORT', port, 8081, 'gRPC port; 0 picks a free one.'),
  },
  auth: {
    mode: setting('UMBRAL_AUTH', z.enum(['auto', 'on', 'off']), 'auto',
      'Access control: on = every route but health, login and JWKS needs a credential; auto = on in production, off in development; off is refused in production.'),
    adminKey: setting('UMBRAL_ADMIN_KEY', z.string(), '',
      'Bootstrap admin API key (32+ characters), stored hashed on the first start of an empty database; empty = a key is generated and printed once.', true),
    jwtAlgorithm: setting('UMBRAL_JWT_ALGORITHM', z.enum(['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA']), 'HS256',
      'Signing algorithm of access tokens; asymmetric ones publish their public key at /.well-known/jwks.json.'),
    jwtSecret: setting('UMBRAL_JWT_SECRET', z.string(), '',
      'HMAC signing key of access tokens (HS*), 32+ characters; replicas share it. Required in production with HS*.', true),
    jwtPrivateKey: setting('UMBRAL_JWT_PRIVATE_KEY', z.string(), '',
      'PEM (PKCS#8) private key for RS256, PS256, ES256 or EdDSA; replicas share it. Required in production with those.', true),
    jwtIssuer: setting('UMBRAL_JWT_ISSUER', z.string().min(1), 'umbral', 'The `iss` of access tokens this server issues and accepts.'),
    jwtAudience: setting('UMBRAL_JWT_AUDIENCE', z.string().min(1), 'umbral', 'The `aud` of access tokens this server issues and accepts.'),
    accessTokenTtlSeconds: setting('UMBRAL_ACCESS_TOKEN_TTL_S', positiveInt, 900, 'Lifetime of an access token (JWT).'),
    refreshTokenTtlSeconds: setting('UMBRAL_REFRESH_TOKEN_TTL_S', positiveInt, 7 * 24 * 3600,
      'Lifetime of a refresh token; each use rotates it, a reuse revokes its whole family.'),
    registration: setting('UMBRAL_REGISTRATION', z.enum(['admin', 'open']), 'admin',
      'Who creates users: admin = only through the admin API; open = anyone may register as a client.'),
    passwordMinLength: setting('UMBRAL_PASSWORD_MIN_LENGTH', z.number().int().min(8).max(128), 12,
      'Shortest password accepted (common passwords are refused whatever their length).'),
    loginFailuresPerAccount: setting('UMBRAL_LOGIN_FAILURES_PER_ACCOUNT', positiveInt, 5,
      'Failed logins allowed per username within the throttle window; then 429.'),
    loginFailuresPerAddress: setting('UMBRAL_LOGIN_FAILURES_PER_ADDRESS', positiveInt, 20,
      'Failed logins allowed per client address within the throttle window; then 429.'),
    loginThrottleWindowSeconds: setting('UMBRAL_LOGIN_THROTTLE_WINDOW_S', positiveInt, 900, 'Window of the failed-login counts.'),
    publicMetrics: setting('UMBRAL_PUBLIC_METRICS', z.boolean(), false,
      'Serve /metrics without a credential (for a scraper inside the cluster); otherwise it needs admin:read.'),
    trustProxy: setting('UMBRAL_TRUST_PROXY', z.boolean(), false,
      'Take the client address from X-Forwarded-For (behind a load balancer); it keys login throttling and anonymous limits.'),
  },
  oidc: {
    issuer: setting('UMBRAL_OIDC_ISSUER', z.string(), '', 'Accept access tokens from this OpenID Connect issuer too (`iss`); empty = none.'),
    audience: setting('UMBRAL_OIDC_AUDIENCE', z.string(), '', 'The `aud` those tokens must carry.'),
    jwksUrl: setting('UMBRAL_OIDC_JWKS_URL', z.string(), '', 'Where the issuer publishes its signing keys (JWKS).'),
    rolesClaim: setting('UMBRAL_OIDC_ROLES_CLAIM', z.string().min(1), 'roles', 'Claim holding the caller\'s groups or roles (a string or an array).'),
    roleMap: setting('UMBRAL_OIDC_ROLE_MAP', z.array(z.string().regex(/^[^=]+=(admin|operator|viewer|client)$/, 'use claimValue=role, role one of admin, operator, viewer, client')), [],
      'Claim values to roles, comma-separated `ml-admins=admin,ml-team=operator`; the strongest match wins, none = refused.'),
  },
  rateLimit: {
    requestsPerSecond: setting('UMBRAL_RATE_LIMIT_RPS', z.number().int().min(0), 0,
      'Default inference requests per second per key or user (a key\'s own limits replace the defaults); 0 = none.'),
    requestsPerMinute: setting('UMBRAL_RATE_LIMIT_RPM', z.number().int().min(0), 0, 'Default inference requests per minute per key or user; 0 = none.'),
    concurrent: setting('UMBRAL_RATE_LIMIT_CONCURRENT', z.number().int().min(0), 0, 'Default inference requests in flight per key or user; 0 = none.'),
    onRedisDown: setting('UMBRAL_RATE_LIMIT_ON_REDIS_DOWN', z.enum(['open', 'closed']), 'open',
      'When Redis is unreachable: open = serve without limits (metric + one log line per outage), closed = 503. '
      + 'Failed logins are counted per process meanwhile, either way.'),
  },
  redis: {
    url: setting('REDIS_URL', z.string(), '', 'Redis URL (redis://…); set, rate-limit counters and cached answers are shared by every replica; empty = in memory.', true),
    keyPrefix: setting('UMBRAL_REDIS_PREFIX', z.string(), 'umbral:', 'Prefix of every Redis key umbral writes (lets deployments share a Redis).'),
  },
  cache: {
    store: setting('UMBRAL_CACHE_STORE', z.enum(['auto', 'memory']), 'auto',
      'Where models with a `cache` policy keep answers: auto = Redis when REDIS_URL is set (shared by every replica), else memory; memory = each process its own LRU.'),
    onRedisDown: setting('UMBRAL_CACHE_ON_REDIS_DOWN', z.enum(['memory', 'bypass']), 'memory',
      'When Redis is unreachable: memory = each process caches in its own LRU until Redis is back (then those entries are dropped); bypass = nothing is cached. Requests are served either way.'),
  },
  models: {
    dir: setting('UMBRAL_MODELS_DIR', z.string().min(1), 'models', 'Model repository directory: DIR/MODEL/model.yaml and DIR/MODEL/VERSION/model.onnx.'),
    strict: setting('UMBRAL_STRICT', z.boolean(), false, 'Fail the boot when any model fails to load (otherwise the broken model reports not ready).'),
  },
  store: {
    dataDir: setting('UMBRAL_DATA_DIR', z.string().min(1), '.umbral',
      'Data directory: the embedded PostgreSQL (PGlite) database, locked to one process, and the artifact store.'),
    artifactsDir: setting('UMBRAL_ARTIFACTS_DIR', z.string(), '',
      'Content-addressed artifact store; empty = DATA_DIR/artifacts. Replicas on one database must share it (a ReadWriteMany volume).'),
    databaseUrl: setting('DATABASE_URL', z.string(), '',
      'PostgreSQL server URL (postgres://…); empty = embedded PGlite in the data directory. Replicas share one server.', true),
    databaseSchema: setting('UMBRAL_DATABASE_SCHEMA', z.string().regex(/^([a-z_][a-z0-9_]{0,62})?$/), '',
      'PostgreSQL schema for umbral\'s tables on a server (empty = public); lets several deployments share one database.'),
    statementTimeoutMs: setting('UMBRAL_STATEMENT_TIMEOUT_MS', z.number().int().min(0), 10_000,
      'PostgreSQL server only: longest one database statement may run; a database that is frozen or cut off fails the call a second later (503 UMBRAL_ERR_STORE_UNAVAILABLE) instead of hanging it; 0 = none.'),
    healthCheckIntervalMs: setting('UMBRAL_STORE_HEALTH_INTERVAL_MS', positiveInt, 5_000,
      'How often the database is pinged for /health/ready\'s `store` section and the umbral_store_up metric.'),
  },
  registry: {
    retainVersions: setting('UMBRAL_RETAIN_VERSIONS', z.number().int().min(0), 0,
      'Versions kept per model (the newest N; aliased versions are never removed); 0 keeps all.'),
    maxArtifactBytes: setting('UMBRAL_MAX_ARTIFACT_BYTES', positiveInt, 2 * 1024 ** 3,
      'Largest model artifact an upload may carry; larger uploads get 413.'),
    resyncIntervalMs: setting('UMBRAL_REGISTRY_RESYNC_MS', positiveInt, 10_000,
      'Safety net beside change notifications: how often every instance re-reads the registry.'),
  },
  limits: {
    maxElements: setting('UMBRAL_MAX_ELEMENTS', positiveInt, 16_777_216,
      'Most elements one input tensor may hold; larger shapes get 400.'),
  },
  onnx: {
    workers: setting('UMBRAL_ONNX_WORKERS', positiveInt, Math.max(1, cores - 1),
      'Worker threads that run ONNX sessions (default: one per core but one, which the HTTP side needs).'),
    intraOpThreads: setting('UMBRAL_ONNX_INTRA_OP_THREADS', positiveInt, 1,
      'Threads ONNX Runtime uses inside one run; keep workers × this ≤ cores.'),
  },
  batching: {
    maxQueueSize: setting('UMBRAL_BATCH_MAX_QUEUE', positiveInt, 1024,
      'Default bound of a model\'s request queue (model.yaml dynamic_batching.max_queue_size overrides); when full, 503 with Retry-After.'),
    maxQueueWaitMs: setting('UMBRAL_BATCH_MAX_QUEUE_WAIT_MS', z.number().int().min(0), 0,
      'Default admission by queueing time (model.yaml dynamic_batching.max_queue_wait_ms overrides): a request that would wait longer behind the requests held for its model is refused at once with 503 and Retry-After; 0 = the model\'s request deadline (refuse what would miss it).'),
  },
  drift: {
    maxReferenceBytes: setting('UMBRAL_DRIFT_MAX_REFERENCE_BYTES', positiveInt, 64 * 1024 ** 2,
      'Largest reference dataset PUT /admin/models/{m}/versions/{v}/reference takes; larger gets 413 (docs/guides/drift.md).'),
    referenceValues: setting('UMBRAL_DRIFT_REFERENCE_VALUES', z.number().int().min(100).max(1_000_000), 10_000,
      'Values kept per feature of a drift reference (a seeded uniform sample of the dataset or predictions beyond it).'),
    maxWindowRows: setting('UMBRAL_DRIFT_MAX_WINDOW_ROWS', z.number().int().min(100).max(1_000_000), 10_000,
      'Most logged predictions one drift check reads per version and window (the latest ones): bounds the work of a check.'),
  },
  tracing: {
    exporter: setting('UMBRAL_TRACING', z.enum(['none', 'otlp', 'console']), 'none',
      'OpenTelemetry traces: none (off), otlp (OTLP/HTTP JSON to tracing.otlpUrl), or console (standard error, for a look while developing).'),
    otlpUrl: setting('UMBRAL_TRACING_OTLP_URL', z.url(), 'http://127.0.0.1:4318/v1/traces', 'Where OTLP/HTTP traces are sent (a collector, Jaeger, Tempo).'),
    sampleRatio: setting('UMBRAL_TRACING_SAMPLE_RATIO', z.number().min(0).max(1), 1,
      'Share of new traces recorded (a caller\'s sampled `traceparent` is always followed).'),
    serviceName: setting('UMBRAL_TRACING_SERVICE_NAME', z.string().min(1), 'umbral', 'The `service.name` of umbral\'s spans.'),
  },
  log: {
    level: setting('UMBRAL_LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info',
      'Least severe log level written (silent writes nothing).'),
    format: setting('UMBRAL_LOG_FORMAT', z.enum(['json', 'pretty']), 'json', 'Log format: JSON lines, or pretty for a terminal.'),
  },
} as const;

export type Config = ConfigOf<typeof SETTINGS>;
