import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Children } from './children.js';
import { collectTail, fatalLine } from './server-lines.js';

const READY_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 200;
const TAIL_LINES = 40;
const ECHOED_LINES = 20;

export interface ServerOptions {
  readonly root: string;
  readonly modelsDir: string;
  /** Working directory of the server: a scratch one, so that no relative default lands in the checkout. */
  readonly workDir: string;
  /**
   * UMBRAL_* settings. Every other UMBRAL_* variable of this process is left out, and so is
   * DATABASE_URL: the bench's server keeps its store (embedded PGlite) in a data directory of its own.
   */
  readonly settings: Readonly<Record<string, string>>;
}

export interface UmbralProcess {
  readonly origin: string;
  readonly child: ChildProcess;
  /** Rejects when the server exits, whoever stopped it: race the measurements against it. */
  readonly died: Promise<never>;
}

/**
 * Starts `node bin/umbral.js serve` on a free loopback port and waits until /health/ready answers
 * 200. The port is picked here rather than with --port 0 because benchmarks run at log level warn,
 * where the "umbral is serving" line (info) that names the port is not printed. The server's first
 * log lines are echoed (warnings and errors are worth seeing); a failed start shows its last ones.
 */
export async function startUmbral(children: Children, options: ServerOptions): Promise<UmbralProcess> {
  const port = await freePort();
  const child = children.track(spawn(process.execPath, [
    join(options.root, 'bin', 'umbral.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--models', options.modelsDir,
  ], { cwd: options.workDir, env: umbralEnv(options.settings), stdio: ['ignore', 'pipe', 'pipe'] }));
  const tail = collectTail(child, TAIL_LINES, ECHOED_LINES);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitReady(origin, child), fatalLine(child)]);
  } catch (error) {
    await children.stop(child);
    throw new Error(`umbral did not start: ${(error as Error).message}\n${tail.join('\n')}`);
  }
  const died = once(child, 'exit').then(([code, signal]): never => {
    throw new Error(`umbral exited during the bench (code ${String(code)}, signal ${String(signal)})\n${tail.join('\n')}`);
  });
  died.catch(() => undefined); // only matters while raced; a deliberate stop at the end is no failure
  return { origin, child, died };
}

/**
 * This process's environment without any UMBRAL_* variable, DATABASE_URL or REDIS_URL (so that the
 * server uses the embedded store in its own data directory and counts in memory), plus `settings`.
 */
export function umbralEnv(settings: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !key.startsWith('UMBRAL_') && key !== 'DATABASE_URL' && key !== 'REDIS_URL');
  // gRPC on a free port: bench servers run side by side and must not contend for 8081.
  return { ...Object.fromEntries(inherited), UMBRAL_GRPC_PORT: '0', ...settings };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || address === null) throw new Error('could not pick a free port');
  return address.port;
}

async function waitReady(origin: string, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    const status = await fetch(`${origin}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(READY_POLL_MS);
  }
  throw new Error(`/health/ready was not 200 within ${READY_TIMEOUT_MS} ms`);
}
