import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { residentAfterGc } from './support/resident-after-gc.js';
import { ECHO_MODEL_DIR, startTestServer, type TestServer } from './helpers/test-server.js';
import { inferScale, scaleModel, uploadVersion } from './helpers/scale-model.js';

async function admin(url: string, method: string, body?: unknown): Promise<void> {
  const response = await fetch(url, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  assert.equal(response.status, 200, `${method} ${url}: ${await response.text()}`);
}

/** Each version carries 4 MiB of weights: a session leaked per cycle would add ≥ 200 MB over 50 cycles. */
const WEIGHT_FLOATS = 1 << 20;

describe('hot swap under traffic', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ models: { echo: ECHO_MODEL_DIR } });
    for (const k of [1, 2, 3]) {
      const upload = await uploadVersion(server.url, 'scale', scaleModel(k, WEIGHT_FLOATS), k === 1 ? { alias: 'champion' } : {});
      assert.equal(upload.status, 201, JSON.stringify(upload.body));
    }
  });
  after(() => server.shutdown('test over'));

  it('runs 100 promote/rollback cycles with zero failed requests, each answer from the version it names, memory flat', async () => {
    const models = `${server.url}/admin/models/scale`;
    let stop = false;
    let answered = 0;
    const wrong: string[] = [];
    const client = async () => {
      for (let i = 0; !stop && i < 100_000; i += 1) {
        const x = 1 + (i % 5);
        const answer = await inferScale(server.url, '/v2/models/scale/infer', x);
        answered += 1;
        const k = Number(answer.version);
        // Every answer is a success, labelled with a version, and computed by that version (y = k x).
        if (answer.status !== 200 || ![1, 2, 3].includes(k) || answer.y !== k * x) wrong.push(JSON.stringify({ x, ...answer }));
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const rss: number[] = [];
    try {
      for (let cycle = 0; cycle < 100; cycle += 1) {
        // The challenger is a version that is not loaded (no alias kept it), so each cycle loads one
        // version beside the serving one and releases another: the path a leak would show on.
        const champion = cycle % 3 + 1;
        const next = (champion % 3) + 1;
        await admin(`${models}/aliases/challenger`, 'PUT', { version: next });
        await admin(`${models}/promote`, 'POST');
        await admin(`${models}/rollback`, 'POST');
        await admin(`${models}/aliases/champion`, 'PUT', { version: next });
        // After a warm-up (the embedded database's and V8's own growth), resident memory stays flat.
        if (cycle === 49 || cycle === 99) rss.push(residentAfterGc());
      }
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    assert.ok(answered > 200, `clients kept sending (${answered} requests)`);
    assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} of ${answered} answers failed or came from another version`);
    const growthMb = ((rss[1] as number) - (rss[0] as number)) / 2 ** 20;
    assert.ok(growthMb < 100, `resident memory grew ${growthMb.toFixed(1)} MB over the last 50 cycles`);
  });
});
