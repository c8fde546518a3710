import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { grpcClient, rpc } from './helpers/grpc-client.js';
import { stopReplicas, within } from './helpers/replica-kit.js';
import { CLI, runCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';

const { store: { databaseUrl }, redis: { url: redisUrl } } = loadConfig();
const skip = databaseUrl ? false : 'DATABASE_URL is not set: `umbral serve --workers` needs a PostgreSQL server';

/** Whether a process is still alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the process that answers one new connection. */
async function answeringPid(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/info`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) });
    return ((await response.json()) as { process: { pid: number } }).process.pid;
  } catch {
    return undefined;
  }
}

describe('umbral serve --workers', () => {
  it('refuses more than one worker without a PostgreSQL server, saying why', async () => {
    const result = await runCli(['serve', '--port', '0', '--workers', '2'], { DATABASE_URL: '' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--workers\): 2 processes need a PostgreSQL server in DATABASE_URL/);
  });

  it('exits 1, leaving no worker behind, when a worker cannot start', { skip, timeout: 60_000 }, async () => {
    const models = testTempDir('umbral-broken-models-');
    mkdirSync(join(models, 'broken/1'), { recursive: true });
    writeFileSync(join(models, 'broken/1/model.onnx'), 'not an onnx file');
    const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
    try {
      const result = await runCli(['serve', '--port', '0', '--workers', '2', '--strict'], {
        DATABASE_URL: databaseUrl, UMBRAL_DATABASE_SCHEMA: schema, UMBRAL_MODELS_DIR: models, UMBRAL_ONNX_WORKERS: '1',
      });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout + result.stderr, /a worker exited before serving/);
      assert.match(result.stdout + result.stderr, /strict mode: these models failed to load: broken/);
    } finally {
      await stopReplicas([], databaseUrl, schema);
    }
  });

  describe('two workers on one port', { skip }, () => {
    const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
    let primary: ChildProcess;
    let url: string;
    let grpc: string;
    let pids: number[];
    before(async () => {
      primary = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--workers', '2'], {
        env: {
          PATH: process.env.PATH, DATABASE_URL: databaseUrl, UMBRAL_DATABASE_SCHEMA: schema, UMBRAL_GRPC_PORT: '0',
          UMBRAL_DATA_DIR: testTempDir('umbral-workers-'), UMBRAL_MODELS_DIR: BUNDLED_MODELS_DIR, UMBRAL_ONNX_WORKERS: '1',
          ...(redisUrl ? { REDIS_URL: redisUrl, UMBRAL_REDIS_PREFIX: `${schema}:` } : {}),
        },
      });
      let output = '';
      const serving = new Promise<{ url: string; grpc: string; pids: number[] }>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const line = output.split('\n').find((l) => l.includes('umbral is serving with 2 workers'));
          if (line) {
            const parsed = JSON.parse(line) as { url: string; grpc: string; pids: number[] };
            resolve({ url: parsed.url, grpc: parsed.grpc, pids: parsed.pids });
          }
        };
        primary.stdout?.on('data', onData);
        primary.stderr?.on('data', onData);
        primary.once('exit', (code) => reject(new Error(`umbral exited with ${code} before serving:\n${output}`)));
      });
      ({ url, grpc, pids } = await serving);
    });
    after(async () => {
      if (primary.exitCode === null) primary.kill('SIGKILL');
      await stopReplicas([], databaseUrl, schema);
    });

    it('serves from both worker processes on the one port, and /metrics on either shows both', async () => {
      assert.equal(pids.length, 2);
      const seen = new Set<number>();
      let answered = 0;
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        const pid = await answeringPid(url);
        if (pid !== undefined) seen.add(pid);
        if (pid !== undefined) answered++;
      }
      assert.deepEqual([...seen].sort(), [...pids].sort());
      // The primary sums the workers' counters: every scrape, whichever worker takes it, sees all the /info calls.
      for (let scrape = 0; scrape < 4; scrape++) {
        const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
        const count = /umbral_http_request_duration_seconds_count\{route="\/info",method="GET",status="200"\} (\d+)/.exec(text)?.[1];
        assert.equal(Number(count), answered, text.slice(0, 300));
      }
    });

    it('serves gRPC from the workers on one port too', async () => {
      const client = grpcClient(grpc);
      try {
        for (let i = 0; i < 3; i++) assert.equal((await rpc<{ live: boolean }>(client, 'ServerLive', {})).response?.live, true);
      } finally {
        client.close();
      }
    });

    it('starts another worker when one dies, and keeps serving', async () => {
      const [victim, survivor] = pids as [number, number];
      process.kill(victim, 'SIGKILL');
      await within(15_000, async () => {
        const pid = await answeringPid(url);
        return pid !== undefined && pid !== victim && pid !== survivor;
      });
      assert.ok(!alive(victim));
    });

    it('stops every worker and exits 0 on SIGTERM', async () => {
      const live = new Set<number>();
      for (let i = 0; i < 20 && live.size < 2; i++) {
        const pid = await answeringPid(url);
        if (pid !== undefined) live.add(pid);
      }
      const exited = once(primary, 'exit');
      primary.kill('SIGTERM');
      const [code] = await exited as [number | null];
      assert.equal(code, 0);
      for (const pid of live) assert.ok(!alive(pid), `worker ${pid} outlived the primary`);
    });
  });
});
