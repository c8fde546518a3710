import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createBackends } from '../backends/backend-registry.js';
import { processEnvironment } from '../config/environment.js';
import type { Config } from '../config/schema.js';
import { Admission } from '../inference/admission/admission.js';
import { EventLoopDelay } from '../inference/admission/event-loop-delay.js';
import { DataPlane } from '../inference/data-plane.js';
import { InferenceService } from '../inference/inference-service.js';
import { LlmPlane } from '../inference/llm-plane.js';
import { registerTrafficMetrics } from '../observability/traffic-metrics.js';
import { registerLlmMetrics } from '../observability/llm-metrics.js';
import { ModelHost } from '../inference/model-host.js';
import { createLogger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { startTracing, type Tracing } from '../observability/tracing.js';
import { upstreamMetrics } from '../resilience/upstream-metrics.js';
import { observeAll, upstreamLog } from '../resilience/upstream-log.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import type { SeedNote } from '../control/build-plan.js';
import { LocalArtifactStore } from '../registry/local-artifact-store.js';
import { promotionBackup } from '../control/promotion-backup.js';
import { ModelAdmin } from '../control/model-admin.js';
import { PromotionGate } from '../control/promotion-gate.js';
import { Evaluations } from '../mlops/evaluation/evaluations.js';
import { RegistrySync } from '../control/registry-sync.js';
import { seedRegistry } from '../control/seed-registry.js';
import type { Registry } from '../registry/registry.js';
import { SqlRegistry } from '../registry/sql-registry.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import { openAccess, type Access } from '../access/open-access.js';
import { openResponseCache, type OpenedCache } from '../cache/open-response-cache.js';
import { buildApp } from './build-app.js';
import { startGrpcServer, type GrpcServer } from './grpc/grpc-server.js';
import type { RouteAccessEntry } from './plugins/access-control.js';
import { ModelStatistics } from '../inference/statistics/model-statistics.js';
import { Lifecycle } from './lifecycle.js';
import { Readiness } from './readiness.js';
import { StoreMonitor } from '../store/store-monitor.js';
import { JobScheduler } from '../control/jobs/job-scheduler.js';
import { openPredictionLog } from '../mlops/prediction-log/open-prediction-log.js';
import type { PredictionLog } from '../mlops/prediction-log/prediction-log.js';
import { toUmbral } from './grpc/rpc-status.js';
import { openNotifications, type Notifications } from '../mlops/notifications/open-notifications.js';
import { openLiveQuality } from '../mlops/quality/open-live-quality.js';
import { DriftMonitor } from '../mlops/drift/drift-monitor.js';
import { openShadow } from '../mlops/shadow/open-shadow.js';
import { driftCheckJob } from '../control/jobs/drift-check-job.js';
import { predictionRetentionJob, qualityWindowJob } from '../control/jobs/monitoring-jobs.js';
import { openRollouts } from '../control/rollouts/open-rollouts.js';

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly host: ModelHost;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** `host:port` of the gRPC service (the target gRPC clients take); undefined when `grpc.enabled` is false. */
  readonly grpcUrl: string | undefined;
  /** The gRPC port; undefined when `grpc.enabled` is false. */
  readonly grpcPort: number | undefined;
  /** The prediction log (`flush()` writes what is queued now). */
  readonly predictionLog: PredictionLog;
  /** Re-imports the on-disk repository and reloads every model from the registry (SIGHUP). */
  reload(model?: string): Promise<void>;
  /**
   * Graceful stop: readiness off at once, keep serving for `shutdownDelayMs` (every answer saying
   * `Connection: close`), then close the listeners, let requests received finish within
   * `shutdownTimeoutMs`, then release models, workers and the store. Called again while the delay
   * runs, it ends the delay.
   */
  shutdown(reason: string): Promise<void>;
}

export class StrictModeError extends Error {}

/**
 * Opens the store, imports the model repository into the registry, loads what the registry says to
 * serve, builds the app and listens. Rejects (strict mode) when any model is broken.
 */
export interface StartOptions {
  /** Shows a one-time secret (the generated bootstrap admin key) to the operator; default: standard output. */
  readonly announce?: (text: string) => void;
  /** Filled with every route and the access it needs. */
  readonly routeTable?: RouteAccessEntry[];
  /** Where remote models' `api_key_env` variables are looked up; default: the process environment. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

export async function startServer(config: Config, logger: Logger = createLogger(config), options: StartOptions = {}): Promise<RunningServer> {
  const db = await openDatabase({
    dataDir: config.store.dataDir, databaseUrl: config.store.databaseUrl, schema: config.store.databaseSchema || undefined,
    statementTimeoutMs: config.store.statementTimeoutMs,
    onError: (error) => logger.warn({ err: error }, 'database connection problem; retrying'),
  });
  let notifications: Notifications;
  try {
    notifications = await openNotifications({ db, config: config.notifications, dataDir: config.store.dataDir, logger });
  } catch (error) {
    await db.close();
    throw error;
  }
  const tracing = await startTracing(config.tracing);
  const metrics = new Metrics();
  const backends = createBackends({
    workers: config.onnx.workers, intraOpThreads: config.onnx.intraOpThreads, logger,
    environment: options.environment ?? processEnvironment(),
    upstreamObserver: observeAll(upstreamMetrics(metrics.registry), upstreamLog(logger), notifications.upstreamObserver),
  });
  // Triton's statistics extension: every serving version's runs and requests, counted from here on.
  const statistics = new ModelStatistics();
  const host = new ModelHost({ backends, metrics, logger, defaultMaxQueueSize: config.batching.maxQueueSize, batchObserver: statistics.forVersion,
    loadObserver: notifications.loadObserver,
  });
  let sync: RegistrySync | undefined;
  let access: Access | undefined;
  let cache: OpenedCache | undefined;
  let jobs: JobScheduler | undefined;
  try {
    const artifacts = new LocalArtifactStore({
      dir: config.store.artifactsDir || join(config.store.dataDir, 'artifacts'), maxBytes: config.registry.maxArtifactBytes,
    });
    const registry = new SqlRegistry(db);
    const seed = async (): Promise<Map<string, SeedNote>> => {
      if (existsSync(config.models.dir)) return seedRegistry({ registry, artifacts, host, logger }, config.models.dir);
      logger.warn({ dir: config.models.dir }, 'model repository directory does not exist; serving the registry only');
      return new Map();
    };
    const notes = await seed();
    sync = new RegistrySync({ registry, artifacts, host, db, logger, resyncIntervalMs: config.registry.resyncIntervalMs, notes });
    await sync.start();
    const broken = host.broken();
    if (config.models.strict && broken.length > 0) {
      throw new StrictModeError(`strict mode: these models failed to load: ${broken.join(', ')} (causes in the log)`);
    }
    access = await openAccess({
      config, db, logger, metrics,
      announce: options.announce ?? ((text) => process.stdout.write(`${text}\n`)),
    });
    cache = await openResponseCache({ config, db, metrics, logger, policyOf: (model) => host.get(model)?.plan.cache });
    // Scheduled jobs (docs/guides/jobs.md): built-in ones are registered here, before start.
    jobs = new JobScheduler({ db, logger, events: notifications.sink, ...config.jobs });
    if (config.jobs.enabled) await jobs.start();
    const activeSync = sync;
    const reload = async (model?: string) => {
      for (const [name, note] of await seed()) notes.set(name, note);
      await (model === undefined ? activeSync.syncAll() : activeSync.syncModel(model, true));
    };
    return await listen(config, logger, {
      db, metrics, host, registry, artifacts, sync, reload, access, cache, jobs, tracing, statistics, routeTable: options.routeTable, notifications,
    });
  } catch (error) {
    // A start that fails releases what it opened, so that the process can exit.
    await jobs?.stop();
    await cache?.close();
    await access?.close();
    await sync?.stop();
    await host.close();
    await notifications.close();
    await db.close();
    await tracing.shutdown();
    throw error;
  }
}

interface Parts {
  readonly db: Database;
  readonly metrics: Metrics;
  readonly host: ModelHost;
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly sync: RegistrySync;
  readonly reload: (model?: string) => Promise<void>;
  readonly access: Access;
  readonly cache: OpenedCache;
  readonly jobs: JobScheduler;
  readonly tracing: Tracing;
  readonly statistics: ModelStatistics;
  readonly routeTable: RouteAccessEntry[] | undefined;
  readonly notifications: Notifications;
}

async function listen(config: Config, logger: Logger, parts: Parts): Promise<RunningServer> {
  const { db, metrics, host, sync, reload, access } = parts;
  const lifecycle = new Lifecycle();
  const store = watchStore(db, config, metrics, logger);
  const readiness = new Readiness(lifecycle, host, () => store.state());
  const inference = new InferenceService(host, metrics, config.server.requestTimeoutMs, parts.cache.cache, parts.statistics);
  const loopDelay = new EventLoopDelay();
  const admission = new Admission({
    host, loopDelayMs: () => loopDelay.ms, deadlineOf: (model) => inference.timeoutOf(model),
    ...(config.batching.maxQueueWaitMs > 0 ? { defaultTargetMs: config.batching.maxQueueWaitMs } : {}),
    observer: { refused: (model) => metrics.admissionRefused.inc({ model }) },
  });
  const predictionLog = await openPredictionLog({ config, db, logger, registry: metrics.registry, events: parts.notifications.sink });
  // Shadow copies (policy traffic.shadow) run off the request path, bounded by shadow.queueSize and shadow.concurrency.
  const shadow = openShadow({ inference, metrics: metrics.registry, ...config.shadow });
  const plane = new DataPlane({
    host, inference, admission, rateLimits: access.limiter, maxElements: config.limits.maxElements, statistics: parts.statistics,
    predictions: predictionLog, shadow: shadow.runner, failureOf: toUmbral, traffic: registerTrafficMetrics(metrics.registry),
  });
  const llm = new LlmPlane({ host, inference, plane, predictions: predictionLog, failureOf: toUmbral });
  const llmObserver = registerLlmMetrics(metrics.registry, (model) => host.get(model) !== undefined);
  // Evaluations send their rows through the same data plane as clients' requests.
  const evaluations = new Evaluations({ db, registry: parts.registry, plane, limits: { ...config.evaluation, maxElements: config.limits.maxElements } });
  const gate = new PromotionGate({ registry: parts.registry, evaluations, events: parts.notifications.sink });
  const admin = new ModelAdmin({
    registry: parts.registry, artifacts: parts.artifacts, host, sync: (model) => sync.syncModel(model), reload,
    retainVersions: config.registry.retainVersions, gate,
    ...(config.backups.beforePromotion === '' ? {} : {
      backupBeforePromotion: promotionBackup({ dir: config.backups.beforePromotion, keep: config.backups.keep, source: { db, artifacts: parts.artifacts } }),
    }),
  });
  const quality = openLiveQuality({ db, registry: parts.registry, metrics: metrics.registry, pending: predictionLog, ...config.quality });
  // Drift checks and quality windows run as scheduled jobs, never on the request path.
  const drift = new DriftMonitor({
    db, registry: parts.registry, metrics: metrics.registry, logger, events: parts.notifications.sink,
    limits: { maxElements: config.limits.maxElements, referenceValues: config.drift.referenceValues, maxWindowRows: config.drift.maxWindowRows },
  });
  parts.jobs.register(driftCheckJob(drift));
  parts.jobs.register(qualityWindowJob(quality.monitor));
  parts.jobs.register(predictionRetentionJob(db, parts.registry));
  // Canary rollouts: state in the database, one replica acting on each per tick (docs/guides/canary.md).
  const rollouts = openRollouts({
    db, registry: parts.registry, admin, gate, events: parts.notifications.sink, logger, metrics: metrics.registry, tickMs: config.rollouts.tickMs,
    pending: predictionLog, abReport: quality.abReport, shadow: shadow.stats,
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      ...parts, cache: parts.cache.cache, notifications: parts.notifications.admin, config, logger, plane, llm, llmObserver, admin, lifecycle, readiness, quality, drift,
      evaluations, shadow: shadow.stats, rollouts: rollouts.rollouts,
    });
    await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await rollouts.ticker.stop();
    loopDelay.close();
    await shadow.runner.close();
    await predictionLog.close();
    await store.stop();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  let grpc: GrpcServer | undefined;
  try {
    grpc = config.grpc.enabled ? await startGrpcServer({ config, logger, metrics, plane, readiness, access, llm, llmObserver }) : undefined;
  } catch (error) {
    // The caller releases the rest; the HTTP listener and the store's watch are this function's to close.
    await rollouts.ticker.stop();
    await app.close();
    loopDelay.close();
    await shadow.runner.close();
    await predictionLog.close();
    await store.stop();
    throw error;
  }
  rollouts.ticker.start();
  logger.info({ url, ...(grpc ? { grpc: grpc.target } : {}), models: host.list().map((m) => m.plan.name), store: db.kind }, 'umbral is serving');

  let stopping: Promise<void> | undefined;
  let hurry: (() => void) | undefined;
  const shutdown = (reason: string) => {
    // A second stop (a second SIGTERM) ends the delay at once.
    if (stopping) {
      hurry?.();
      return stopping;
    }
    stopping = (async () => {
      logger.info({ reason, delayMs: config.server.shutdownDelayMs }, 'shutting down: readiness is off, requests are still served');
      lifecycle.beginShutdown();
      // No rollout moves while the server goes: a tick under way finishes (its lease released) first.
      await rollouts.ticker.stop();
      if (config.server.shutdownDelayMs > 0) {
        await new Promise<void>((resolve) => {
          const delay = setTimeout(resolve, config.server.shutdownDelayMs);
          hurry = () => { clearTimeout(delay); resolve(); };
        });
      }
      lifecycle.beginDrain();
      logger.info('draining: listeners closed, requests received are finishing');
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: config.server.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
        app.server.closeAllConnections();
      }, config.server.shutdownTimeoutMs);
      timer.unref();
      // gRPC drains beside HTTP, with the same timeout, before what both depend on closes.
      await Promise.all([app.close(), grpc?.close(config.server.shutdownTimeoutMs)]);
      // No request can mirror any more: shadow copies still queued are dropped, running ones aborted, before the models go.
      await shadow.runner.close();
      // Every request has ended: what they logged is written (or spilled) before the database closes.
      await predictionLog.close();
      loopDelay.close();
      await store.stop();
      await parts.jobs.stop();
      await parts.cache.close();
      await access.close();
      await sync.stop();
      await host.close();
      await parts.notifications.close();
      await db.close();
      await parts.tracing.shutdown();
      clearTimeout(timer);
      logger.info('shutdown complete');
    })();
    return stopping;
  };
  return { app, host, logger, metrics, url, grpcUrl: grpc?.target, grpcPort: grpc?.port, predictionLog, reload, shutdown };
}

/** Watches the database for /health/ready and umbral_store_up, with one log line per outage and one at recovery. */
function watchStore(db: Database, config: Config, metrics: Metrics, logger: Logger): StoreMonitor {
  const monitor = new StoreMonitor(db, {
    intervalMs: config.store.healthCheckIntervalMs,
    onChange: (state) => {
      metrics.storeUp.set(state.up ? 1 : 0);
      if (state.up) logger.info({ store: state.kind }, 'the database answers again');
      else logger.error({ store: state.kind, reason: state.error }, 'the database does not answer: admin calls fail with 503 until it is back; inference goes on');
    },
  });
  monitor.start();
  return monitor;
}
