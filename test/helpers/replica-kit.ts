import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';

/** Polls until `check` holds, returning the milliseconds it took; fails after `limitMs`. */
export async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await check()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return assert.fail(`not seen within ${limitMs} ms`);
}

/** Stops the replica processes and drops the schema they shared. */
export async function stopReplicas(replicas: ReadonlyArray<{ child: ChildProcess }>, databaseUrl: string, schema: string): Promise<void> {
  for (const replica of replicas) replica.child.kill('SIGTERM');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
