import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { serveCli } from './helpers/spawn-cli.js';
import { startTestServer } from './helpers/test-server.js';

const SPAM = JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['win a free prize now'] }] });

/** Resolves when `output()` matches `pattern`, checking each time the child writes. */
function waitForOutput(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }, output: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!pattern.test(output())) return;
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      resolve();
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    check();
  });
}

describe('graceful shutdown', () => {
  it('turns readiness off at once, keeps serving through the delay, ends the delay on a second SIGTERM, drains and exits 0', async () => {
    // A delay far longer than the test: only the second signal ends it, so nothing here depends on timing.
    const { child, url, output } = await serveCli(['--models', BUNDLED_MODELS_DIR], { UMBRAL_SHUTDOWN_DELAY_MS: '600000' });
    const rows = 64;
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 256], data: Array(rows * 256).fill(0.5) }] });
    const post = (path: string, payload: string) => fetch(`${url}${path}`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json' } })
      .then(async (response) => ({ status: response.status, text: await response.text() }));
    const inFlight = Array.from({ length: 24 }, () => post('/v2/models/heavy-mlp/infer', body));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await waitForOutput(child, output, /shutting down: readiness is off/);
    assert.equal((await fetch(`${url}/health/ready`)).status, 503, 'readiness is off during the shutdown delay');
    const during = await post('/v2/models/spam-classifier/infer', SPAM);
    assert.equal(during.status, 200, `a request sent during the delay is served: ${during.text.slice(0, 200)}`);
    child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    for (const result of results) assert.equal(result.status, 200, result.text.slice(0, 200));
    const [code] = await exited;
    assert.equal(code, 0);
  });

  it('loses no request of a load at concurrency 32 whose balancer stops sending when readiness goes off', async () => {
    const server = await startTestServer({ overrides: { 'server.shutdownDelayMs': 600_000 } });
    // Kept-alive connections, as a load balancer or a client library holds them.
    const agent = new Agent({ connections: 32, keepAliveTimeout: 60_000 });
    const failures: string[] = [];
    const served = new Tally();
    const afterStop: string[] = [];
    let stopping = false;
    let balancerSends = true;
    const worker = async () => {
      while (balancerSends) {
        const sentDuringStop = stopping;
        try {
          const answer = await request(`${server.url}/v2/models/spam-classifier/infer`, {
            method: 'POST', body: SPAM, headers: { 'content-type': 'application/json' }, dispatcher: agent,
          });
          const text = await answer.body.text();
          if (answer.statusCode !== 200) failures.push(`${answer.statusCode} ${text.slice(0, 200)}`);
          if (sentDuringStop) afterStop.push(String(answer.headers.connection));
        } catch (error) {
          failures.push(String(error));
        }
        served.add();
      }
    };
    try {
      const load = Array.from({ length: 32 }, worker);
      // The load runs at full speed before the stop: every connection is open and kept alive.
      await served.reach(64);
      stopping = true;
      const stopped = server.shutdown('test');
      // The balancer notices readiness is off (its next probe), sends for a moment more, then stops.
      while ((await fetch(`${server.url}/health/ready`)).status === 200) { /* probe again */ }
      await served.reach(served.count + 64);
      balancerSends = false;
      await Promise.all(load);
      // Only now does the delay end (a second stop); the drain closes what is left.
      void server.shutdown('test: delay over');
      await stopped;
      assert.deepEqual(failures, []);
      assert.ok(afterStop.length >= 64, `requests served after the stop began: ${afterStop.length}`);
      assert.ok(afterStop.every((header) => header === 'close'), 'every answer after the stop began says Connection: close');
    } finally {
      balancerSends = false;
      await agent.close();
      await server.shutdown('test over');
    }
  });
});

/** Counts events; `reach(n)` resolves once n have happened. */
class Tally {
  count = 0;
  readonly #waiting: Array<{ n: number; resolve: () => void }> = [];

  add(): void {
    this.count += 1;
    for (const waiter of this.#waiting.filter((w) => w.n <= this.count)) {
      this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  reach(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ n, resolve }));
  }
}
