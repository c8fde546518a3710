import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Children } from './children.js';
import { busyCoresSince, readCpuTimes } from './machine-busy.js';
import { processCpuSeconds } from './process-cpu.js';
import { sampleValue } from './prometheus.js';
import { collectTail, fatalLine, onOutputLines } from './server-lines.js';
import { umbralEnv } from './spawn-server.js';

const START_TIMEOUT_MS = 120_000;
const READY_POLL_MS = 10;
const TAIL_LINES = 40;
const SERVING_MSG = 'umbral is serving';

/** One start of the server, timed from its spawn. */
export interface TimedStart {
  /** Spawn to the first 200 of GET /v2/health/ready, by this process's clock. */
  readonly readyMs: number;
  /** Spawn to the `time` of the server's own "umbral is serving" log line. */
  readonly loggedMs: number;
  /** umbral_process_resident_memory_bytes, scraped right after that first 200. */
  readonly rssBytes: number;
  /** CPU the server process had used by then (every thread, and initdb's child once it is done), in seconds. */
  readonly serverCpuSeconds: number;
  /** Cores the whole machine kept busy from the spawn to that first 200 (other processes included). */
  readonly machineBusyCores: number;
}

export interface TimedStartOptions {
  readonly root: string;
  readonly modelsDir: string;
  readonly dataDir: string;
  /** Working directory of the server (scratch). */
  readonly workDir: string;
}

/**
 * Starts `umbral serve --port 0` at log level info, learns its address from the "umbral is
 * serving" line (logged once it listens: nothing answers before), polls /v2/health/ready every
 * 10 ms until 200, reads its resident memory from /metrics, then stops it (SIGTERM, which releases
 * the data directory for the next start).
 */
export async function timeStart(children: Children, options: TimedStartOptions): Promise<TimedStart> {
  const cpuAtSpawn = readCpuTimes();
  const spawnedAtWall = Date.now();
  const spawnedAt = performance.now();
  const child = children.track(spawn(process.execPath, [
    join(options.root, 'bin', 'umbral.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--models', options.modelsDir,
  ], { cwd: options.workDir, env: umbralEnv({ UMBRAL_LOG_LEVEL: 'info', UMBRAL_DATA_DIR: options.dataDir }), stdio: ['ignore', 'pipe', 'pipe'] }));
  const tail = collectTail(child, TAIL_LINES, 0);
  try {
    const serving = await servingLine(child);
    let status = await getStatus(`${serving.url}/v2/health/ready`);
    while (status !== 200) {
      if (performance.now() - spawnedAt > START_TIMEOUT_MS) throw new Error(`/v2/health/ready was not 200 within ${START_TIMEOUT_MS} ms`);
      await sleep(READY_POLL_MS);
      status = await getStatus(`${serving.url}/v2/health/ready`);
    }
    const readyMs = performance.now() - spawnedAt;
    const machineBusyCores = busyCoresSince(cpuAtSpawn);
    const serverCpuSeconds = processCpuSeconds(child.pid);
    const metrics = await getText(`${serving.url}/metrics`);
    const rssBytes = sampleValue(metrics, 'umbral_process_resident_memory_bytes') ?? Number.NaN;
    return { readyMs, loggedMs: serving.time - spawnedAtWall, rssBytes, serverCpuSeconds, machineBusyCores };
  } catch (error) {
    throw new Error(`timed start of umbral failed: ${(error as Error).message}\n${tail.join('\n')}`);
  } finally {
    await children.stop(child);
  }
}

/** The "umbral is serving" line's url and time; rejects if the server exits or takes too long first. */
async function servingLine(child: ChildProcess): Promise<{ url: string; time: number }> {
  const ac = new AbortController();
  try {
    return await Promise.race([
      new Promise<{ url: string; time: number }>((resolve) => onOutputLines(child, (line) => {
        const record = parseJson(line);
        if (record?.msg === SERVING_MSG && typeof record.url === 'string' && typeof record.time === 'number') {
          resolve({ url: record.url, time: record.time });
        }
      })),
      once(child, 'exit', { signal: ac.signal }).then(([code]): never => { throw new Error(`it exited (code ${String(code)})`); }),
      fatalLine(child),
      sleep(START_TIMEOUT_MS, undefined, { signal: ac.signal }).then((): never => {
        throw new Error(`no "${SERVING_MSG}" line within ${START_TIMEOUT_MS} ms`);
      }),
    ]);
  } finally {
    ac.abort();
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Status of a GET on a fresh connection; 0 when the connection fails. */
async function getStatus(url: string): Promise<number> {
  return await new Promise((resolve) => {
    get(url, { agent: false }, (answer) => {
      answer.resume();
      answer.once('end', () => resolve(answer.statusCode ?? 0));
    }).once('error', () => resolve(0));
  });
}

async function getText(url: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    get(url, { agent: false }, (answer) => {
      let text = '';
      answer.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
      answer.once('end', () => (answer.statusCode === 200 ? resolve(text) : reject(new Error(`GET ${url} answered ${answer.statusCode}`))));
    }).once('error', reject);
  });
}
