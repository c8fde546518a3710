import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { serveClusterMetrics } from '../observability/cluster-metrics.js';

/** What a worker tells the primary once it serves (see `serve`). */
export interface ServingMessage {
  readonly kind: 'umbral:serving';
  readonly url: string;
  readonly grpc?: string;
}

/** A worker that dies sooner than this after it began serving counts as crashing: its restarts back off. */
const STABLE_AFTER_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * `umbral serve --workers N`, in the primary process: N workers (node:cluster) serve on the same
 * HTTP and gRPC ports, which the primary holds and hands connections to in turn. The first worker
 * starts alone (it migrates the database, imports the model repository and may print the generated
 * bootstrap admin key), then the others together. A worker that dies is started again, with a delay
 * that doubles while it keeps dying. SIGTERM/SIGINT stop every worker gracefully (each drains as a
 * single server does), and the primary exits when they have; SIGHUP reaches every worker. `/metrics`
 * on any worker shows every worker's, aggregated here. If the primary itself dies, node:cluster ends
 * the workers. Resolves to the exit code.
 */
export async function superviseWorkers(config: Config, logger: Logger): Promise<number> {
  const count = config.server.workers;
  if (config.redis.url === '') {
    logger.warn({ workers: count }, 'REDIS_URL is not set: each worker process keeps its own rate-limit counters and response cache');
  }
  const supervisor = new Supervisor(count, workerEnvironment(config, logger), logger);
  const stopSignals = ['SIGTERM', 'SIGINT'] as const;
  // The first stop signal stops the workers; a second one reaches them too (it ends their shutdown delay).
  const stop = (signal: NodeJS.Signals) => (supervisor.stopping ? supervisor.signalAll('SIGTERM') : void supervisor.stop(signal));
  const reload = () => supervisor.signalAll('SIGHUP');
  for (const signal of stopSignals) process.on(signal, stop);
  process.on('SIGHUP', reload);
  const stopMetrics = serveClusterMetrics();
  try {
    // A stop signal during the start is a stop like any other (exit 0); a worker that failed to start is not.
    if (!await supervisor.start() && !supervisor.stopping) {
      await supervisor.stop('a worker failed to start');
      return 1;
    }
    await supervisor.stopped;
    return 0;
  } finally {
    stopMetrics();
    for (const signal of stopSignals) process.off(signal, stop);
    process.off('SIGHUP', reload);
  }
}

/**
 * What every worker must share: with an HMAC algorithm and no secret configured, one made here, so
 * that an access token one worker signs is accepted by the others (it still dies with the primary).
 */
function workerEnvironment(config: Config, logger: Logger): Record<string, string> {
  if (!config.auth.jwtAlgorithm.startsWith('HS') || config.auth.jwtSecret !== '') return {};
  logger.warn('UMBRAL_JWT_SECRET is not set: the workers share a key made at start; tokens end with this process');
  return { UMBRAL_JWT_SECRET: randomBytes(48).toString('base64') };
}

interface Slot {
  worker?: Worker;
  servingSince?: number;
  restartDelayMs: number;
  timer?: NodeJS.Timeout;
}

class Supervisor {
  readonly #slots: Slot[];
  readonly #env: Record<string, string>;
  readonly #logger: Logger;
  #stopping: Promise<void> | undefined;
  /** Set once every worker served: from then on, any worker that exits is replaced. */
  #started = false;
  #resolveStopped!: () => void;
  /** Resolves once every worker has exited after a stop. */
  readonly stopped = new Promise<void>((resolve) => { this.#resolveStopped = resolve; });

  constructor(count: number, env: Record<string, string>, logger: Logger) {
    this.#slots = Array.from({ length: count }, () => ({ restartDelayMs: 1000 }));
    this.#env = env;
    this.#logger = logger;
  }

  /** Starts the first worker, then the others; false when one exits before it serves. */
  async start(): Promise<boolean> {
    const [first, ...rest] = this.#slots.map((_, index) => index);
    const started = await this.#fork(first as number);
    if (!started || this.#stopping) return false;
    const others = await Promise.all(rest.map((index) => this.#fork(index)));
    if (others.includes(undefined) || this.#stopping) return false;
    this.#started = true;
    this.#logger.info({ url: started.url, ...(started.grpc ? { grpc: started.grpc } : {}), workers: this.#slots.length,
      pids: this.#slots.map((slot) => slot.worker?.process.pid) }, `umbral is serving with ${this.#slots.length} workers`);
    return true;
  }

  /** Whether a stop was asked for. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Sends `signal` to every live worker. */
  signalAll(signal: NodeJS.Signals): void {
    for (const slot of this.#slots) slot.worker?.process.kill(signal);
  }

  /** Stops every worker with SIGTERM and waits for them (they drain within their shutdown timeout). */
  stop(reason: string): Promise<void> {
    return (this.#stopping ??= (async () => {
      this.#logger.info({ reason }, 'stopping the workers');
      const exits = this.#slots.map((slot) => {
        clearTimeout(slot.timer);
        const worker = slot.worker;
        if (!worker || worker.isDead()) return Promise.resolve();
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.process.kill('SIGTERM');
        return exited;
      });
      await Promise.all(exits);
      this.#logger.info('every worker has stopped');
      this.#resolveStopped();
    })());
  }

  /** Forks the worker of `index`; resolves with what it serves, or undefined when it exits first. */
  #fork(index: number): Promise<ServingMessage | undefined> {
    const slot = this.#slots[index] as Slot;
    const worker = cluster.fork(this.#env);
    slot.worker = worker;
    slot.servingSince = undefined;
    return new Promise((resolve) => {
      worker.on('message', (message: unknown) => {
        if (!isServing(message)) return;
        slot.servingSince = Date.now();
        resolve(message);
      });
      worker.once('exit', (code, signal) => {
        resolve(undefined);
        if (slot.worker === worker) slot.worker = undefined;
        if (this.#stopping) return;
        const serving = slot.servingSince !== undefined;
        this.#logger.error({ worker: index + 1, pid: worker.process.pid, code, signal },
          serving ? 'a worker died; starting another' : 'a worker exited before serving');
        if (this.#started) this.#restart(index);
      });
    });
  }

  #restart(index: number): void {
    const slot = this.#slots[index] as Slot;
    const stable = slot.servingSince !== undefined && Date.now() - slot.servingSince > STABLE_AFTER_MS;
    const delay = stable ? 0 : slot.restartDelayMs;
    slot.restartDelayMs = stable ? 1000 : Math.min(slot.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    slot.timer = setTimeout(() => void this.#fork(index), delay);
  }
}

function isServing(message: unknown): message is ServingMessage {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'umbral:serving';
}
