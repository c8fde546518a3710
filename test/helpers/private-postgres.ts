import { execFile } from 'node:child_process';
import { chownSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { testTempDir } from './temp-dir.js';

const run = promisify(execFile);
const BIN = ['/usr/local/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

/** A PostgreSQL server a test starts, stops and restarts itself (to take the database away under load). */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: open connections are cut, new ones refused. */
  stop(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

/** Why a private server cannot be started here (no initdb/pg_ctl, or no `postgres` user to run them as root); undefined when it can. */
export function privatePostgresMissing(): string | undefined {
  if (!binary('initdb') || !binary('pg_ctl')) return 'initdb and pg_ctl are not installed: the test needs a PostgreSQL server of its own';
  return undefined;
}

/** initdb in a fresh directory and start the server on a free loopback port (run as `postgres` when this process is root). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = testTempDir('umbral-pg-');
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
  const pg = async (tool: string, args: string[]) => {
    const command = binary(tool) as string;
    await (asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  };
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => pg('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-l', join(dir, 'log'), '-o', options]),
    stop: () => pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']),
    async destroy() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function binary(tool: string): string | undefined {
  return BIN.map((dir) => join(dir, tool)).find((path) => existsSync(path));
}

