import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ChildPlan, ChildReply } from './messages.js';

const STOP_GRACE_MS = 5_000;

/**
 * Every child process the bench starts, so that each is stopped at the end whatever happens:
 * `stopAll()` on the normal path, `killAllNow()` from signal and exit handlers.
 */
export class Children {
  readonly #live = new Set<ChildProcess>();

  /** Remembers a child until it exits. */
  track(child: ChildProcess): ChildProcess {
    this.#live.add(child);
    child.once('exit', () => this.#live.delete(child));
    return child;
  }

  /** SIGTERM, then SIGKILL if it is still there after a grace period. */
  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const ac = new AbortController();
    const graceOver = sleep(STOP_GRACE_MS, 'timeout', { signal: ac.signal }).catch(() => 'aborted');
    if ((await Promise.race([exited.then(() => 'exited'), graceOver])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    ac.abort();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#live].map((child) => this.stop(child)));
  }

  /** Synchronous last resort (process 'exit' handler, signals). */
  killAllNow(): void {
    for (const child of this.#live) child.kill('SIGKILL');
  }

  /**
   * Forks a compiled bench child (a file next to this one), sends it its plan and resolves with its
   * first reply. Rejects on a failure reply, on the child exiting first, or after `timeoutMs`.
   */
  async run<R extends ChildReply>(file: string, plan: ChildPlan, timeoutMs: number): Promise<{ child: ChildProcess; reply: R }> {
    const path = fileURLToPath(new URL(file, import.meta.url));
    const child = this.track(fork(path, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const ac = new AbortController();
    try {
      const replied = once(child, 'message', { signal: ac.signal }).then(([message]) => message as ChildReply);
      const exited = once(child, 'exit', { signal: ac.signal }).then(([code]): never => {
        throw new Error(`${file} exited (code ${String(code)}) before replying`);
      });
      const timedOut = sleep(timeoutMs, undefined, { signal: ac.signal }).then((): never => {
        throw new Error(`${file} did not reply within ${timeoutMs} ms`);
      });
      child.send(plan);
      const reply = await Promise.race([replied, exited, timedOut]);
      if (reply.kind === 'failure') throw new Error(`${file} failed: ${reply.message}`);
      return { child, reply: reply as R };
    } catch (error) {
      await this.stop(child);
      throw error;
    } finally {
      ac.abort();
    }
  }
}
