import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSseData, encodeSseError, SSE_DONE, SseDataParser, sseDataPayloads } from './sse.js';

/** Feeds `text` in pieces of `size` characters and collects every event. */
function parseInPieces(text: string, size: number): string[] {
  const parser = new SseDataParser();
  const events: string[] = [];
  for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
  return events;
}

describe('sse', () => {
  const stream = 'data: {"a":1}\n\n: keep-alive comment\n\nevent: chunk\nid: 7\ndata: {"b":2}\n\ndata: line one\ndata:line two\n\ndata: [DONE]\n\n';
  const expected = ['{"a":1}', '{"b":2}', 'line one\nline two', '[DONE]'];

  it('parses data events, skipping comments and other fields, joining multi-line data', () => {
    assert.deepEqual(parseInPieces(stream, stream.length), expected);
  });

  it('gives the same events however the stream is split, with LF, CRLF or CR line ends', () => {
    for (const ending of ['\n', '\r\n', '\r']) {
      const text = stream.replaceAll('\n', ending);
      for (const size of [1, 2, 3, 5, 7, 64]) assert.deepEqual(parseInPieces(text, size), expected, `${JSON.stringify(ending)} by ${size}`);
    }
  });

  it('drops an event the stream breaks off before its blank line', () => {
    assert.deepEqual(parseInPieces('data: {"a":1}\n\ndata: [DONE]\n', 4), ['{"a":1}']);
    assert.deepEqual(parseInPieces('data: {"a":1}\n\ndata: {"b"', 4), ['{"a":1}']);
  });

  it('decodes UTF-8 split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('data: {"t":"héllo ✓"}\n\n');
    async function* oneByteAtATime() {
      for (const byte of bytes) yield new Uint8Array([byte]);
    }
    const events: string[] = [];
    for await (const data of sseDataPayloads(oneByteAtATime())) events.push(data);
    assert.deepEqual(events, ['{"t":"héllo ✓"}']);
  });

  it('encodes events that its own parser reads back', () => {
    const payload = { text: 'two\nlines' };
    const error = { error: { message: 'broke', type: 'server_error', param: null, code: 'X' } };
    const encoded = encodeSseData(payload) + encodeSseError(error);
    assert.deepEqual(new SseDataParser().push(encoded).map((d) => JSON.parse(d)), [payload, error]);
    assert.equal(SSE_DONE, 'data: [DONE]\n\n');
  });
});
