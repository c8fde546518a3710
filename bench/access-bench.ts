import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_MODELS, type BenchRepository } from './bench-repository.js';
import { perSecond } from './bench-results.js';
import type { Children } from './children.js';
import { measureLoad, type Measured, type Timing } from './jobs.js';
import type { LoadResult } from './messages.js';
import { echoBody, inferPath } from './request-bodies.js';
import { startUmbral } from './spawn-server.js';

export const ACCESS_CONCURRENCIES = [1, 64] as const;

/** One cell: the same request through the open server and through the one with access control on. */
export interface AccessRow {
  readonly credential: string;
  readonly concurrency: number;
  readonly secured: Measured<LoadResult>;
  /** Access control off, measured just before and just after `secured`: drift hits both sides alike. */
  readonly open: readonly [Measured<LoadResult>, Measured<LoadResult>];
}

/** Mean req/s of the two open runs around a secured one. */
export function openRate(row: AccessRow): number {
  return (perSecond(row.open[0]) + perSecond(row.open[1])) / 2;
}

/**
 * What access control costs on the hot path: the echo model through a second umbral with access
 * control on (an API key; a key with rate limits, counted in memory; a user's JWT), each measured
 * between two runs of the open server (access control off) under the same load.
 */
export async function benchAccess(children: Children, timing: Timing, options: { root: string; repository: BenchRepository; openOrigin: string }): Promise<AccessRow[]> {
  const secret = randomBytes(32).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'umbral-bench-access-'));
  const server = await startUmbral(children, {
    root: options.root, modelsDir: options.repository.dir, workDir: dataDir,
    settings: { UMBRAL_LOG_LEVEL: 'warn', UMBRAL_DATA_DIR: dataDir, UMBRAL_AUTH: 'on', UMBRAL_ADMIN_KEY: secret, UMBRAL_JWT_SECRET: secret },
  });
  try {
    const credentials = await makeCredentials(server.origin, secret);
    const rows: AccessRow[] = [];
    const plan = { path: inferPath(BENCH_MODELS.echo), bodies: [echoBody()] };
    for (const [credential, value] of Object.entries(credentials)) {
      for (const concurrency of ACCESS_CONCURRENCIES) {
        console.error(`access control: ${credential} at concurrency ${concurrency}`);
        const before = await measureLoad(children, timing, { origin: options.openOrigin, ...plan, concurrency });
        const secured = await Promise.race([
          measureLoad(children, timing, { origin: server.origin, ...plan, concurrency, headers: { authorization: `Bearer ${value}` } }), server.died]);
        const after = await measureLoad(children, timing, { origin: options.openOrigin, ...plan, concurrency });
        rows.push({ credential, concurrency, secured, open: [before, after] });
      }
    }
    return rows;
  } finally {
    await children.stop(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function makeCredentials(origin: string, adminKey: string): Promise<Record<string, string>> {
  const post = async (path: string, body: unknown, credential?: string) => {
    const answer = await fetch(`${origin}${path}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    });
    const json = await answer.json() as Record<string, unknown>;
    if (answer.status >= 300) throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const password = `bench ${randomBytes(12).toString('hex')}`;
  const key = await post('/admin/keys', { name: 'bench', scopes: ['infer'] }, adminKey);
  // Limits far above what the machine serves: every request pays the counting, none is refused.
  const limited = await post('/admin/keys', {
    name: 'bench-limited', scopes: ['infer'], limits: { requestsPerSecond: 1_000_000, requestsPerMinute: 60_000_000, concurrent: 100_000 },
  }, adminKey);
  await post('/admin/users', { username: 'bench-user', password, role: 'client' }, adminKey);
  const tokens = await post('/auth/login', { username: 'bench-user', password });
  return {
    'API key': key.key as string,
    'API key with rate limits (memory)': limited.key as string,
    'JWT access token': tokens.accessToken as string,
  };
}
