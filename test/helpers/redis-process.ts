import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

/** A throwaway redis-server on a free loopback port, which a test can stop and start again. */
export interface RedisProcess {
  readonly url: string;
  /** Kills the server (SIGKILL, as a crash would) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted) and waits until PING answers. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, as with an overloaded host. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Stops it for good. */
  close(): Promise<void>;
}

/** A skip reason when no redis-server binary is on PATH, else false. */
export function redisServerAvailable(): string | false {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error ? `redis-server is not on PATH (${probe.error.message}): tests that stop Redis skipped` : false;
}

export async function startRedisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    if (child) return;
    // No RDB snapshots, no AOF: nothing written to disk, every start is empty.
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' });
    await untilPong(port, child);
  };
  const signal = (name: NodeJS.Signals) => () => { child?.kill(name); };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start, pause: signal('SIGSTOP'), resume: signal('SIGCONT'), close: stop };
}

async function untilPong(port: number, child: ChildProcess, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ping(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (port ${port} taken?)`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${ms} ms`);
    await sleep(20);
  }
}

/** Whether a server on `port` answers PING, in plain RESP over a socket of its own. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answer: boolean) => { socket.destroy(); resolve(answer); };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
