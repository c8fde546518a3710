import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { UpstreamError } from '../../resilience/upstream-error.js';
import { readEventStream } from './read-event-stream.js';

const never = new AbortController().signal;

async function read(text: string): Promise<unknown[]> {
  const payloads: unknown[] = [];
  for await (const payload of readEventStream(Readable.from([Buffer.from(text)]), never)) payloads.push(payload);
  return payloads;
}

async function failure(text: string): Promise<UpstreamError> {
  const error = await read(text).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof UpstreamError, String(error));
  return error;
}

describe('read event stream', () => {
  it('yields the JSON payloads until [DONE], ignoring what follows it', async () => {
    assert.deepEqual(await read('data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\ndata: {"late":true}\n\n'), [{ a: 1 }, { b: 2 }]);
  });

  it('throws a protocol failure for a stream without [DONE], a payload that is not an object, an error event', async () => {
    assert.match((await failure('data: {"a":1}\n\n')).message, /without \[DONE\]/);
    assert.equal((await failure('data: [1,2]\n\ndata: [DONE]\n\n')).failure, 'protocol');
    const reported = await failure('data: {"error":{"message":"model overloaded"}}\n\n');
    assert.deepEqual([reported.failure, reported.details.upstreamMessage], ['protocol', 'model overloaded']);
  });

  it('destroys the body when the consumer leaves early', async () => {
    const body = new Readable({ read() {} });
    body.push('data: {"a":1}\n\n');
    for await (const payload of readEventStream(body, never)) {
      assert.deepEqual(payload, { a: 1 });
      break;
    }
    assert.equal(body.destroyed, true);
  });

  it('ends a stream without [DONE] at the payload isLast names, and fails one cut before it', async () => {
    const isLast = (payload: Record<string, unknown>) => payload.type === 'response.completed';
    const events = 'event: response.created\ndata: {"type":"response.created"}\n\nevent: response.completed\ndata: {"type":"response.completed"}\n\n';
    const payloads: unknown[] = [];
    for await (const payload of readEventStream(Readable.from([Buffer.from(events)]), never, isLast)) payloads.push(payload);
    assert.deepEqual(payloads, [{ type: 'response.created' }, { type: 'response.completed' }]);
    const cut = readEventStream(Readable.from([Buffer.from('data: {"type":"response.created"}\n\n')]), never, isLast);
    await assert.rejects(async () => { for await (const _ of cut) { /* drain */ } }, /without \[DONE\]/);
  });
});
