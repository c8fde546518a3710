import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { privatePostgresMissing, startPrivatePostgres, type PrivatePostgres } from './helpers/private-postgres.js';
import { serveCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';
import { until } from './helpers/until.js';

const skip = privatePostgresMissing() ?? false;
const OUTAGE_MS = 30_000;

/** The bundled spam classifier with every request logged. */
function modelsDir(): string {
  const dir = testTempDir('umbral-plog-models-');
  cpSync(join(BUNDLED_MODELS_DIR, 'spam-classifier'), join(dir, 'spam-classifier'), { recursive: true });
  appendFileSync(join(dir, 'spam-classifier', 'model.yaml'), '\nprediction_log:\n  sample_rate: 1\n  payload: full\n');
  return dir;
}

/** Clients sending inference requests with their own request ids, keeping those answered 200. */
class Load {
  readonly served = new Set<string>();
  #running = true;
  #sent = 0;
  readonly #loops: Array<Promise<void>>;

  constructor(url: () => string, concurrency: number, prefix: string) {
    this.#loops = Array.from({ length: concurrency }, async () => {
      while (this.#running) {
        const id = `${prefix}-${this.#sent++}`;
        try {
          const answer = await fetch(`${url()}/v2/models/spam-classifier/infer`, {
            method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [`win a prize ${id}`] }] }),
          });
          await answer.arrayBuffer();
          if (answer.status === 200) this.served.add(id);
        } catch {
          await sleep(50); // the server is down (killed): only answered requests count
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }
}

/** request id → how many records it has. */
async function logged(url: string, schema: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ request_id: string; n: string }>(
      `SELECT request_id, count(*) AS n FROM ${schema}.umbral_predictions GROUP BY request_id`);
    return new Map(rows.map((row) => [row.request_id, Number(row.n)]));
  } catch {
    return new Map();
  } finally {
    await client.end();
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`^${name.replace(/[{}"=]/g, (c) => `\\${c}`)} (\\d+)`, 'm').exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

function assertExactlyOnce(served: ReadonlySet<string>, records: ReadonlyMap<string, number>): void {
  const missing = [...served].filter((id) => !records.has(id));
  const repeated = [...records].filter(([, n]) => n !== 1);
  assert.deepEqual(missing, [], `${missing.length} of ${served.size} served requests are not in the log`);
  assert.deepEqual(repeated, [], 'a request is logged more than once');
}

describe('the prediction log when PostgreSQL goes away', { skip, timeout: 90_000 }, () => {
  let postgres: PrivatePostgres;
  const children: ChildProcess[] = [];
  before(async () => {
    postgres = await startPrivatePostgres();
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await postgres?.destroy();
  });

  const serve = async (schema: string, dataDir: string, models: string) => {
    const server = await serveCli([], {
      DATABASE_URL: postgres.url, UMBRAL_DATABASE_SCHEMA: schema, UMBRAL_DATA_DIR: dataDir, UMBRAL_MODELS_DIR: models,
      UMBRAL_ONNX_WORKERS: '1', UMBRAL_LOG_LEVEL: 'info', UMBRAL_STATEMENT_TIMEOUT_MS: '2000', UMBRAL_REGISTRY_RESYNC_MS: '60000',
      UMBRAL_PREDICTION_LOG_FLUSH_MS: '100', UMBRAL_PREDICTION_LOG_SPILL_AFTER_MS: '1000', UMBRAL_PREDICTION_LOG_RETRY_MAX_MS: '500',
    });
    children.push(server.child);
    return server;
  };

  it(`writes every request served during a ${OUTAGE_MS / 1000} s outage exactly once, after it`, async () => {
    const server = await serve('outage', testTempDir('umbral-plog-data-'), modelsDir());
    const load = new Load(() => server.url, 4, 'outage');
    await until(() => load.served.size >= 50);
    await postgres.stop();
    const duringOutage = load.served.size;
    await until(async () => (await metric(server.url, 'umbral_prediction_log_spilling')) === 1, 100);
    await sleep(OUTAGE_MS);
    assert.ok(load.served.size > duringOutage, 'inference goes on while the database is down');
    await postgres.start();
    await sleep(1_000);
    await load.stop();
    await until(async () => (await logged(postgres.url, 'outage')).size >= load.served.size, 200);
    assertExactlyOnce(load.served, await logged(postgres.url, 'outage'));
    assert.ok(await metric(server.url, 'umbral_prediction_log_records_total{outcome="replayed"}') > 0);
    assert.equal(await metric(server.url, 'umbral_prediction_log_records_total{outcome="dropped"}'), 0);
    server.child.kill('SIGTERM');
  });

  it('replays after a SIGKILL what it spilled, exactly once', async () => {
    const dataDir = testTempDir('umbral-plog-data-');
    const models = modelsDir();
    const first = await serve('killed', dataDir, models);
    let url = first.url;
    const load = new Load(() => url, 4, 'killed');
    await until(() => load.served.size >= 50);
    await postgres.stop();
    await until(async () => (await metric(url, 'umbral_prediction_log_spilling')) === 1, 100);
    await sleep(1_000);
    await load.stop();
    // Spilled means fsync'd: once nothing waits in memory, a SIGKILL loses nothing.
    await until(async () => (await metric(url, 'umbral_prediction_log_queue_depth')) === 0
      && (await metric(url, 'umbral_prediction_log_records_total{outcome="spilled"}'))
        + (await metric(url, 'umbral_prediction_log_records_total{outcome="written"}')) >= load.served.size, 100);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await postgres.start();
    const second = await serve('killed', dataDir, models);
    url = second.url;
    await until(async () => (await logged(postgres.url, 'killed')).size >= load.served.size, 200);
    assertExactlyOnce(load.served, await logged(postgres.url, 'killed'));
    second.child.kill('SIGTERM');
  });
});
