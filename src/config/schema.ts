import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { setting, type ConfigOf } from './setting.js';

const cores = availableParallelism();
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

/**
 * Every setting of the server. YAML keys are the dotted paths (`server.port` is `server: {port: …}`);
 * environment variables override the YAML file, command-line flags override both. The README's
 * settings table is generated from this tree (`npm run docs:settings`).
 */
export const SETTINGS = {
  server: {
    host: setting('UMBRAL_HOST', z.string().min(1), '127.0.0.1', 'Address the HTTP server binds to.'),
    port: setting('UMBRAL_PORT', port, 8080, 'HTTP port; 0 picks a free one.'),
    bodyLimitBytes: setting('UMBRAL_BODY_LIMIT_BYTES', positiveInt, 8 * 1024 * 1024,
      'Largest request body accepted; larger bodies get 413.'),
    requestTimeoutMs: setting('UMBRAL_REQUEST_TIMEOUT_MS', positiveInt, 30_000,
      'Deadline of one inference request, queueing included; past it the client gets 504.'),
    shutdownTimeoutMs: setting('UMBRAL_SHUTDOWN_TIMEOUT_MS', positiveInt, 30_000,
      'On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits.'),
    shutdownDelayMs: setting('UMBRAL_SHUTDOWN_DELAY_MS', z.number().int().min(0), 0,
      'On SIGTERM/SIGINT, how long to keep serving with readiness off before closing the listener (lets a load balancer notice).'),
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
  },
  log: {
    level: setting('UMBRAL_LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info',
      'Least severe log level written (silent writes nothing).'),
    format: setting('UMBRAL_LOG_FORMAT', z.enum(['json', 'pretty']), 'json', 'Log format: JSON lines, or pretty for a terminal.'),
  },
} as const;

export type Config = ConfigOf<typeof SETTINGS>;
