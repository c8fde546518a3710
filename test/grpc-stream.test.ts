import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, status, type Client, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';
import { grpcClient, rawInput, typedInput } from './helpers/grpc-client.js';
import { openaiModel } from './helpers/remote-kit.js';
import { DEFAULT_MODELS, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

interface Parameter { bool_param?: boolean; int64_param?: string; double_param?: number; string_param?: string }
interface InferResponse {
  id: string; model_name: string; model_version: string; parameters: Record<string, Parameter>;
  outputs: Array<{ name: string; datatype: string; shape: string[] }>; raw_output_contents: Buffer[];
}
interface StreamResponse { error_message: string; infer_response: InferResponse | null }

/** Opens ModelStreamInfer, collecting what comes back. */
function openStream(client: Client) {
  const call = (client as unknown as { ModelStreamInfer(metadata: Metadata): ClientDuplexStream<object, StreamResponse> }).ModelStreamInfer(new Metadata());
  const responses: StreamResponse[] = [];
  call.on('data', (response: StreamResponse) => responses.push(response));
  call.on('error', () => undefined);
  const ended = new Promise<StatusObject>((resolve) => call.on('status', resolve));
  return { call, responses, ended };
}

/** Strings of a BYTES raw output: each element preceded by its 4-byte little-endian length. */
function bytesOf(raw: Buffer): string[] {
  const values: string[] = [];
  for (let at = 0; at < raw.length;) {
    const length = raw.readUInt32LE(at);
    values.push(raw.subarray(at + 4, at + 4 + length).toString('utf8'));
    at += 4 + length;
  }
  return values;
}

const finalFlag = (response: StreamResponse) => response.infer_response?.parameters.triton_final_response?.bool_param;
const textOf = (response: StreamResponse) => {
  const raw = response.infer_response?.raw_output_contents[0];
  return raw ? bytesOf(raw)[0] : undefined;
};

/** A request as tritonclient sends it: the prompt in raw_input_contents, shape [1,1] as for TensorRT-LLM. */
function llmRequest(model: string, prompt: string, parameters: Record<string, Parameter> = {}, id = 'gen-1') {
  const text = rawInput({ name: 'text_input', datatype: 'BYTES', shape: [1, 1], data: [prompt] });
  return { model_name: model, id, parameters, inputs: [text.input], raw_input_contents: [text.raw] };
}

const SPAM = (id: string) => ({ model_name: 'spam-classifier', id, inputs: [typedInput({ name: 'text', datatype: 'BYTES', shape: [1], data: ['Claim your free prize now'] })] });

describe('gRPC ModelStreamInfer', () => {
  let upstream: OpenAiUpstream;
  let slow: OpenAiUpstream;
  let server: TestServer;
  let client: Client;
  before(async () => {
    [upstream, slow] = await Promise.all([startOpenAiUpstream(), startOpenAiUpstream({ chunkDelayMs: 50 })]);
    server = await startTestServer({
      models: { 'spam-classifier': DEFAULT_MODELS['spam-classifier'] },
      environment: { TUTOR_KEY: 'sk-test-stream' },
      extraModels: { tutor: openaiModel(upstream.url), 'slow-tutor': openaiModel(slow.url) },
    });
    client = grpcClient(server.grpcUrl as string);
  });
  after(async () => {
    client.close();
    await server.shutdown('test over');
    await Promise.all([upstream.close(), slow.close()]);
  });

  it('answers several requests on one stream in order; a failed one gets error_message and the stream goes on', async () => {
    const { call, responses, ended } = openStream(client);
    call.write(SPAM('a'));
    call.write({ ...SPAM('b'), inputs: [typedInput({ name: 'text', datatype: 'INT32', shape: [1], data: [3] })] });
    call.write({ ...SPAM('c'), model_name: 'no-such-model' });
    call.write(SPAM('d'));
    call.end();
    assert.equal((await ended).code, status.OK);
    assert.equal(responses.length, 4);
    assert.deepEqual(responses.map((r) => r.infer_response?.id ?? null), ['a', null, null, 'd']);
    assert.match(responses[1]?.error_message ?? '', /datatype/);
    assert.match(responses[2]?.error_message ?? '', /no-such-model/);
    for (const i of [0, 3]) {
      assert.equal(responses[i]?.error_message, '');
      assert.equal(finalFlag(responses[i] as StreamResponse), true);
      assert.equal(responses[i]?.infer_response?.model_name, 'spam-classifier');
    }
    const lines = server.logLines().filter((line) => line.method === 'ModelStreamInfer');
    assert.deepEqual(lines.slice(-4).map((line) => line.code), ['OK', 'INVALID_ARGUMENT', 'NOT_FOUND', 'OK']);
  });

  it('streams an LLM\'s text as successive responses, the last marked triton_final_response, parameters forwarded', async () => {
    const { call, responses, ended } = openStream(client);
    call.write(llmRequest('tutor', 'one two three', { max_tokens: { int64_param: '7' }, temperature: { double_param: 0.25 }, stop_words: { string_param: 'x' } }));
    call.end();
    assert.equal((await ended).code, status.OK);
    assert.deepEqual(responses.map(textOf), ['echo: ', 'one ', 'two ', 'three']);
    assert.deepEqual(responses.map(finalFlag), [false, false, false, true]);
    for (const response of responses) {
      assert.equal(response.infer_response?.id, 'gen-1');
      assert.deepEqual(response.infer_response?.outputs[0]?.shape, ['1', '1']);
    }
    const sent = upstream.received.at(-1)?.body;
    assert.equal(sent?.stream, true);
    assert.equal(sent?.max_tokens, 7);
    assert.equal(sent?.temperature, 0.25);
    assert.deepEqual(sent?.stop, ['x']);
  });

  it('answers once when the request says stream: false, and closes with an empty final response when asked', async () => {
    const { call, responses, ended } = openStream(client);
    call.write(llmRequest('tutor', 'hello there', { stream: { bool_param: false } }, 'one-shot'));
    call.write(llmRequest('tutor', 'a b', { triton_enable_empty_final_response: { bool_param: true } }, 'empty-final'));
    call.end();
    assert.equal((await ended).code, status.OK);
    assert.equal(textOf(responses[0] as StreamResponse), 'echo: hello there');
    assert.equal(finalFlag(responses[0] as StreamResponse), true);
    const rest = responses.slice(1);
    assert.deepEqual(rest.map(textOf), ['echo: ', 'a ', 'b', undefined]);
    assert.deepEqual(rest.map(finalFlag), [false, false, false, true]);
    assert.equal(rest.at(-1)?.infer_response?.outputs.length, 0);
    assert.equal(rest.at(-1)?.infer_response?.id, 'empty-final');
  });

  it('refuses a bad LLM request with error_message (INVALID_ARGUMENT in the log) and goes on', async () => {
    const { call, responses, ended } = openStream(client);
    call.write(llmRequest('tutor', 'x', { temperature: { double_param: 9 } }, 'bad'));
    const two = rawInput({ name: 'text_input', datatype: 'BYTES', shape: [2], data: ['a', 'b'] });
    call.write({ model_name: 'tutor', inputs: [two.input], raw_input_contents: [two.raw] });
    call.write(llmRequest('tutor', 'fine', { stream: { bool_param: false } }, 'good'));
    call.end();
    assert.equal((await ended).code, status.OK);
    assert.match(responses[0]?.error_message ?? '', /temperature/);
    assert.match(responses[1]?.error_message ?? '', /text_input/);
    assert.equal(textOf(responses[2] as StreamResponse), 'echo: fine');
  });

  it('counts the LLM calls and their tokens in the same metrics as the HTTP routes', async () => {
    const { call, ended } = openStream(client);
    call.write(llmRequest('tutor', 'count me please', {}, 'counted'));
    call.write(llmRequest('tutor', 'and me', { stream: { bool_param: false } }, 'counted-once'));
    call.end();
    assert.equal((await ended).code, status.OK);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /umbral_llm_requests_total\{model="tutor",stream="true",outcome="ok"\} [1-9]/);
    assert.match(metrics, /umbral_llm_requests_total\{model="tutor",stream="false",outcome="ok"\} [1-9]/);
    assert.match(metrics, /umbral_llm_tokens_total\{model="tutor",kind="completion"\} [1-9]/);
  });

  it('stops the upstream call when the client cancels the stream', async () => {
    const { call, responses, ended } = openStream(client);
    call.write(llmRequest('slow-tutor', Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ')));
    await until(() => responses.length > 0);
    assert.equal(slow.inFlight, 1);
    call.cancel();
    assert.equal((await ended).code, status.CANCELLED);
    await until(() => slow.inFlight === 0);
    await until(() => server.logLines().some((line) => line.method === 'ModelStreamInfer' && line.model === 'slow-tutor'));
    const line = server.logLines().find((l) => l.method === 'ModelStreamInfer' && l.model === 'slow-tutor');
    assert.equal(line?.code, 'CANCELLED');
  });
});
