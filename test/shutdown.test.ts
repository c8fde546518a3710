import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { serveCli } from './helpers/spawn-cli.js';

describe('graceful shutdown', () => {
  it('turns readiness off at once, drains in-flight requests and exits 0', async () => {
    const { child, url } = await serveCli(['--models', BUNDLED_MODELS_DIR], { UMBRAL_SHUTDOWN_DELAY_MS: '300' });
    const rows = 64;
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 256], data: Array(rows * 256).fill(0.5) }] });
    const inFlight = Array.from({ length: 24 }, () =>
      fetch(`${url}/v2/models/heavy-mlp/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
        .then(async (response) => ({ status: response.status, text: await response.text() })));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = await fetch(`${url}/health/ready`);
    assert.equal(ready.status, 503, 'readiness is off during the shutdown delay');
    const results = await Promise.all(inFlight);
    for (const result of results) assert.equal(result.status, 200, result.text.slice(0, 200));
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
