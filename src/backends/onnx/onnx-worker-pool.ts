import { Errors } from '../../errors/catalogue.js';
import { describeLoadFailure } from './onnx-signature.js';
import { PoolWorker } from './pool-worker.js';
import type { SessionInfo, WireTensor, WorkerReply } from './worker-messages.js';

/** The part of a logger (pino's, in the server) the pool reports to. */
export interface PoolLogger {
  warn(details: object, message: string): void;
}

export interface OnnxWorkerPoolOptions {
  /** Worker threads; each holds a session of every loaded model. */
  readonly size: number;
  /** `intraOpNumThreads` of every session. */
  readonly intraOpThreads: number;
  /** Where worker deaths and failed reloads are reported. */
  readonly logger?: PoolLogger;
  /** Entry file of the threads; tests put a stand-in here. Default: `onnx-worker.js` beside this file. */
  readonly workerScript?: URL;
}

/** One run for the pool: which session, what to feed it, which outputs to fetch (empty: all). */
export interface PoolRun {
  readonly model: string;
  readonly key: string;
  readonly feeds: readonly WireTensor[];
  readonly fetches: readonly string[];
}

interface QueuedRun {
  readonly run: PoolRun;
  settle(reply: WorkerReply | { kind: 'aborted'; reason: unknown }): void;
}

// A replacement that dies this soon after starting is probably failing at start-up (missing native
// module): wait before the next one instead of spinning.
const QUICK_DEATH_MS = 1000;
const RESPAWN_DELAY_MS = 1000;

/**
 * Worker threads that hold ONNX Runtime sessions. Every worker has a session of every loaded model,
 * so any idle worker can take the next run: runs wait in one FIFO queue (where a cancelled one is
 * simply dropped) and each worker runs one at a time, which is least-busy dispatch without having
 * to guess run lengths. A worker that dies fails its run, and a fresh one reloads its sessions.
 */
export class OnnxWorkerPool {
  readonly #workers: PoolWorker[];
  /** Sessions every worker must hold, by key, with their file: what a replacement reloads. */
  readonly #sessions = new Map<string, string>();
  readonly #queue: QueuedRun[] = [];
  readonly #respawns = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(private readonly options: OnnxWorkerPoolOptions) {
    this.#workers = Array.from({ length: options.size }, () => this.#spawn());
  }

  get size(): number {
    return this.options.size;
  }

  /** Creates a session in every worker; on any failure none is left behind. */
  async load(model: string, key: string, path: string): Promise<SessionInfo> {
    const replies = await Promise.all(this.#workers.map((worker) => worker.request({ kind: 'load', key, path })));
    const loaded = replies.find((reply) => reply.kind === 'loaded');
    const failed = replies.find((reply) => reply.kind !== 'loaded');
    // Registered only once every worker has it: a load that killed a worker must not be replayed
    // into its replacement (a worker that dies mid-load fails the load anyway).
    if (loaded?.kind === 'loaded' && !failed) {
      this.#sessions.set(key, path);
      return loaded;
    }
    await this.release(key);
    const reason = failed && 'message' in failed ? failed.message : 'no worker answered';
    throw Errors.modelLoadFailed(model, failed?.kind === 'failed' ? describeLoadFailure(path, reason) : reason);
  }

  /** Releases the session under `key` in every worker. */
  async release(key: string): Promise<void> {
    this.#sessions.delete(key);
    await Promise.all(this.#workers.map((worker) => worker.request({ kind: 'release', key })));
  }

  /**
   * Runs once on the next idle worker. An aborted signal drops a queued run; a run already on a
   * worker finishes there, but the caller is answered with the abort reason at once.
   */
  run(run: PoolRun, signal: AbortSignal): Promise<WireTensor[]> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(Errors.shuttingDown());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(job);
        if (index >= 0) this.#queue.splice(index, 1);
        job.settle({ kind: 'aborted', reason: signal.reason });
      };
      let settled = false;
      const job: QueuedRun = {
        run,
        settle: (reply) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          if (reply.kind === 'ran') resolve([...reply.outputs]);
          else if (reply.kind === 'aborted') reject(reply.reason);
          else if (reply.kind === 'died') reject(Errors.backendFailed(run.model, `${reply.message}; a new worker replaces it`));
          else if (reply.kind === 'failed') reject(Errors.backendFailed(run.model, reply.message));
          else reject(Errors.backendFailed(run.model, `unexpected worker reply '${reply.kind}'`));
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Refuses queued runs, lets running ones finish, then ends every worker with its sessions. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#respawns) clearTimeout(timer);
    this.#respawns.clear();
    for (const job of this.#queue.splice(0)) job.settle({ kind: 'aborted', reason: Errors.shuttingDown() });
    await Promise.all(this.#workers.map((worker) => worker.stop()));
  }

  /** Fault injection for tests and drills: ends worker `index` as a crash would, once it is idle. */
  async terminateWorker(index: number): Promise<void> {
    await this.#workers[index]?.terminate();
  }

  #dispatch(): void {
    for (const worker of this.#workers) {
      if (!worker.alive || worker.running) continue;
      const job = this.#queue.shift();
      if (!job) return;
      worker.running = true;
      const { key, feeds, fetches } = job.run;
      void worker.request({ kind: 'run', key, feeds, fetches }).then((reply) => {
        worker.running = false;
        job.settle(reply);
        this.#dispatch();
      });
    }
  }

  #spawn(): PoolWorker {
    const script = this.options.workerScript ?? new URL('./onnx-worker.js', import.meta.url);
    return new PoolWorker(script, { intraOpThreads: this.options.intraOpThreads }, (dead, reason) => this.#replace(dead, reason));
  }

  #replace(dead: PoolWorker, reason: string): void {
    const index = this.#workers.indexOf(dead);
    if (this.#closed || index < 0) return;
    const quick = performance.now() - dead.spawnedAt < QUICK_DEATH_MS;
    this.options.logger?.warn({ worker: index, reason }, 'onnx worker thread died; starting a replacement');
    if (!quick) return this.#install(index);
    const timer = setTimeout(() => {
      this.#respawns.delete(timer);
      this.#install(index);
    }, RESPAWN_DELAY_MS);
    this.#respawns.add(timer);
  }

  #install(index: number): void {
    const fresh = this.#spawn();
    this.#workers[index] = fresh;
    for (const [key, path] of this.#sessions) {
      void fresh.request({ kind: 'load', key, path }).then((reply) => {
        if (reply.kind !== 'loaded' && 'message' in reply) {
          this.options.logger?.warn({ worker: index, reason: reply.message }, 'onnx worker could not reload a model');
        }
      });
    }
    this.#dispatch();
  }
}
