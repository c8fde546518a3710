import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest, WorkerSettings, WorkerToPool } from './worker-messages.js';

/**
 * One worker thread of the onnx pool and the replies it still owes. It never rejects: when the
 * thread dies, every pending request is answered with a `died` reply, and `onDeath` tells the pool.
 */
export class PoolWorker {
  /** True while a run is posted and unanswered; the pool posts at most one run at a time. */
  running = false;
  readonly spawnedAt = performance.now();
  readonly #thread: Worker;
  readonly #pending = new Map<number, (reply: WorkerReply) => void>();
  readonly #exited: Promise<void>;
  #idleWaiters: (() => void)[] = [];
  #nextId = 1;
  #alive = true;
  #crash: string | undefined;

  constructor(script: URL, settings: WorkerSettings, onDeath: (worker: PoolWorker, reason: string) => void) {
    this.#thread = new Worker(script, { workerData: settings });
    this.#thread.on('message', (reply: WorkerToPool) => {
      const settle = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      settle?.(reply);
      this.#notifyIdle();
    });
    // An uncaught error in the thread comes before its exit; keep it as the reason.
    this.#thread.on('error', (error) => {
      this.#crash = error.message;
    });
    this.#exited = new Promise((resolve) => this.#thread.once('exit', () => resolve()));
    this.#thread.on('exit', (code) => {
      this.#alive = false;
      const reason = this.#crash === undefined ? `worker thread exited with code ${code}` : `worker thread crashed: ${this.#crash}`;
      for (const [id, settle] of this.#pending) settle({ kind: 'died', id, message: reason });
      this.#pending.clear();
      this.#notifyIdle();
      onDeath(this, reason);
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Posts a request (its tensors are copied) and resolves with its reply. */
  request(message: WorkerRequest): Promise<WorkerReply> {
    const id = this.#nextId++;
    if (!this.#alive) return Promise.resolve({ kind: 'died', id, message: 'worker thread is not running' });
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      try {
        this.#thread.postMessage({ ...message, id });
      } catch (error) {
        this.#pending.delete(id);
        resolve({ kind: 'failed', id, message: `cannot send the request to the worker: ${String(error)}` });
      }
    });
  }

  /** Ends the thread after the work it has in hand, releasing its sessions first. */
  async stop(): Promise<void> {
    await this.request({ kind: 'stop' });
    await this.#exited;
  }

  /**
   * Ends the thread as a crash would, once it owes no reply: onnxruntime-node aborts the whole
   * process when a thread is terminated inside one of its calls.
   */
  async terminate(): Promise<void> {
    while (this.#pending.size > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    await this.#thread.terminate();
  }

  #notifyIdle(): void {
    if (this.#pending.size > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
