/**
 * Server-sent events as OpenAI-compatible APIs use them: every event is one `data:` payload (a JSON
 * chunk), and the stream ends with `data: [DONE]`. https://html.spec.whatwg.org/multipage/server-sent-events.html
 */

/** The payload that ends an OpenAI stream. */
export const DONE = '[DONE]';

/**
 * Splits a text stream into the `data` of its events. Lines end in LF, CRLF or CR, and a chunk may
 * end anywhere, even between the CR and LF of one line break. Comments (`:` lines) and fields other
 * than `data` are skipped; several `data:` lines of one event are joined with LF, as the spec says.
 */
export class SseDataParser {
  #buffer = '';
  #data: string[] = [];
  /** The previous chunk ended in CR: an LF opening the next one belongs to the same line break. */
  #skipLf = false;

  /** Feeds a chunk; returns the data of the events it completed. */
  push(text: string): string[] {
    if (this.#skipLf && text.startsWith('\n')) text = text.slice(1);
    this.#skipLf = false;
    const buffer = this.#buffer + text;
    const events: string[] = [];
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(buffer.slice(start, i), events);
      if (c === 13) {
        if (i + 1 === buffer.length) this.#skipLf = true;
        else if (buffer.charCodeAt(i + 1) === 10) i += 1;
      }
      start = i + 1;
    }
    this.#buffer = buffer.slice(start);
    return events;
  }

  #line(line: string, events: string[]): void {
    if (line === '') {
      if (this.#data.length > 0) events.push(this.#data.join('\n'));
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    const value = colon === -1 ? '' : line.slice(colon + 1);
    this.#data.push(value.startsWith(' ') ? value.slice(1) : value);
  }
}

/**
 * The `data` of every event of a byte stream, UTF-8 decoded across chunk boundaries. An event the
 * stream breaks off before its closing blank line is dropped, as the spec says, never half-delivered.
 */
export async function* sseDataPayloads(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const parser = new SseDataParser();
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* parser.push(text);
  }
  yield* parser.push(decoder.decode());
}

/** One event carrying a JSON payload. JSON.stringify escapes line breaks, so one `data:` line holds it. */
export function encodeSseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/**
 * One named event carrying a JSON payload, as the Responses API sends them: `event: <type>` then its
 * `data:` line (the payload's own `type` field names it).
 */
export function encodeSseEvent(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** The event that ends a complete stream. */
export const SSE_DONE = `data: ${DONE}\n\n`;

/**
 * The event for a failure after the stream started (the status line was already sent as 200):
 * `data: {"error": {...}}`, and the stream then ends WITHOUT `[DONE]`. That is what OpenAI-compatible
 * clients see from OpenAI itself: the official SDKs raise an APIError for a data event holding
 * `error`, and any client that waits for `[DONE]` knows the answer is incomplete.
 */
export function encodeSseError(body: { readonly error: object }): string {
  return encodeSseData(body);
}
