import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@grpc/grpc-js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { grpcClient, rpc } from './helpers/grpc-client.js';
import { PROMTOOL_MISSING, promtool } from './helpers/promtool.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

/** Families named in `# TYPE` lines: registered, whether or not they have series yet. */
function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] as string);
}

/**
 * What a Prometheus server scraping umbral would get: text `promtool check metrics` accepts, and
 * series whose labels no client can multiply (a made-up model name is not a series of its own).
 */
describe('metrics hygiene on a live /metrics', () => {
  let server: TestServer;
  let client: Client;
  let scraped: string;
  // Unique per run, so that no series of another request can carry it by chance.
  const madeUp = `made-up-${randomBytes(4).toString('hex')}`;

  before(async () => {
    server = await startTestServer();
    client = grpcClient(server.grpcUrl as string);
    const answers = await Promise.all([
      postJson(`${server.url}/v1/chat/completions`, { model: `${madeUp}-chat`, messages: [{ role: 'user', content: 'hi' }] }),
      postJson(`${server.url}/v1/chat/completions`, { model: `${madeUp}-stream`, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      postJson(`${server.url}/v1/embeddings`, { model: `${madeUp}-embed`, input: 'hi' }),
      postJson(`${server.url}/v1/completions`, { model: `${madeUp}-completion`, prompt: 'hi' }),
      getJson(`${server.url}/v1/models/${madeUp}-listed`),
      postJson(`${server.url}/v2/models/${madeUp}-v2/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] }),
      postJson(`${server.url}/v2/models/${madeUp}-generate/generate`, { text_input: 'hi' }),
      postJson(`${server.url}/v2/models/echo/versions/987654/infer`, { inputs: [] }),
      getJson(`${server.url}/v2/models/${madeUp}-metadata`),
      getJson(`${server.url}/${madeUp}-path`),
    ]);
    for (const answer of answers) assert.ok(answer.status >= 400 && answer.status < 500, `a made-up name is refused (${answer.status})`);
    const grpcAnswers = await Promise.all([
      rpc(client, 'ModelInfer', { model_name: `${madeUp}-grpc`, inputs: [{ name: 'x', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }] }),
      rpc(client, 'ModelMetadata', { name: `${madeUp}-grpc-metadata` }),
      rpc(client, 'ModelReady', { name: `${madeUp}-grpc-ready` }),
    ]);
    for (const answer of grpcAnswers) assert.ok(answer.error || answer.response, 'the gRPC call ended');
    scraped = (await getJson(`${server.url}/metrics`)).text;
  });
  after(async () => {
    client.close();
    await server.shutdown('test over');
  });

  it('carries no client-made-up name in any series', () => {
    const carrying = scraped.split('\n').filter((line) => line.includes(madeUp));
    assert.deepEqual(carrying, [], 'series labelled with a name a client made up');
  });

  it('counts the OpenAI calls for models it does not serve as model="unknown"', () => {
    const line = scraped.split('\n').find((l) => l.startsWith('umbral_llm_requests_total{model="unknown",stream="false",outcome="UMBRAL_ERR_MODEL_NOT_FOUND"}'));
    assert.ok(line, 'the refused calls are still counted');
    assert.ok(Number(line.slice(line.lastIndexOf(' ') + 1)) >= 3, line);
  });

  it('passes promtool check metrics', { skip: PROMTOOL_MISSING }, () => {
    const checked = promtool(['check', 'metrics'], scraped);
    assert.equal(checked.status, 0, checked.output);
  });

  it('lists every exported family in the metrics reference', () => {
    const page = readFileSync(join(PACKAGE_ROOT, 'docs/reference/metrics.md'), 'utf8');
    const missing = families(scraped).filter((name) => !page.includes(`\`${name}\``));
    assert.deepEqual(missing, [], 'metrics missing from docs/reference/metrics.md');
  });
});
