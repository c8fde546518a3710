import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';
import { grpcClient, rpc } from './helpers/grpc-client.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }

/** A stand-in OpenTelemetry collector: keeps every span posted to /v1/traces (OTLP/HTTP JSON). */
async function startCollector(): Promise<{ url: string; spans: OtlpSpan[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
      };
      for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, spans, server };
}

describe('OpenTelemetry traces (tracing.exporter otlp)', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let upstream: OpenAiUpstream;
  let server: TestServer;
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  before(async () => {
    collector = await startCollector();
    upstream = await startOpenAiUpstream();
    server = await startTestServer({
      models: {},
      overrides: { 'tracing.exporter': 'otlp', 'tracing.otlpUrl': collector.url },
      extraModels: {
        llm: { 'model.yaml': stringify({ backend: 'openai', required: false, openai: { base_urls: [upstream.url], model: 'fake-llm' }, resilience: { health_check_interval_ms: 0 } }) },
      },
    });
  });
  after(async () => {
    await upstream.close();
    collector.server.close();
  });

  it('continues the caller\'s trace, spans each request (HTTP and gRPC) and each upstream attempt, and passes the trace upstream', async () => {
    const answer = await postJson(`${server.url}/v1/chat/completions`, { model: 'llm', messages: [{ role: 'user', content: 'hi' }] },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    assert.equal(answer.status, 200);
    const sent = upstream.received.at(-1)?.headers.traceparent;
    assert.match(String(sent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'the upstream got the same trace');
    const grpcTrace = 'a'.repeat(32);
    const client = grpcClient(server.grpcUrl as string);
    const rpcAnswer = await rpc(client, 'ModelInfer', {
      model_name: 'llm', inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('hello')] } }],
    }, { metadata: { traceparent: `00-${grpcTrace}-00f067aa0ba902b7-01` } });
    client.close();
    assert.equal(rpcAnswer.code, 0, rpcAnswer.error?.details);
    assert.match(String(upstream.received.at(-1)?.headers.traceparent), new RegExp(`^00-${grpcTrace}-`), 'gRPC calls pass the trace on too');
    await server.shutdown('test over'); // flushes the exporter
    await sleep(100);
    const ours = collector.spans.filter((s) => s.traceId === traceId);
    const request = ours.find((s) => s.name === 'POST /v1/chat/completions');
    const attempt = ours.find((s) => s.name === 'upstream attempt');
    assert.ok(request, `spans: ${ours.map((s) => s.name).join(', ')}`);
    assert.equal(request.parentSpanId, '00f067aa0ba902b7');
    assert.ok(attempt);
    assert.equal(attempt.parentSpanId, request.spanId);
    assert.equal(String(sent).split('-')[2], attempt.spanId, 'the upstream\'s parent is the attempt span');
    const rpcSpan = collector.spans.find((s) => s.traceId === grpcTrace && s.name === 'grpc ModelInfer');
    assert.ok(rpcSpan, 'a server span per gRPC call');
    assert.ok(collector.spans.some((s) => s.traceId === grpcTrace && s.name === 'upstream attempt' && s.parentSpanId === rpcSpan.spanId));
  });
});
