import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ECHO_MODEL_DIR, startTestServer, type TestServer } from './helpers/test-server.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Bad input to the admin API: each a 4xx with a catalogue code and a message that says what to fix. */
describe('bad input to the admin API gets a clear 4xx, never a 5xx', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ models: { echo: ECHO_MODEL_DIR } });
  });
  after(() => server?.shutdown('test over'));

  async function send(method: string, path: string, body?: string, contentType?: string): Promise<Answer> {
    const response = await fetch(`${server.url}${path}`, {
      method, body, headers: contentType === undefined ? {} : { 'content-type': contentType },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  }

  function refused(answer: Answer, status: number, code: string, says: RegExp): void {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.code, code, JSON.stringify(answer.body));
    assert.match(String(answer.body.error), says);
  }

  describe('a multipart upload that cannot be read', () => {
    const part = (name: string, content: string, file = false) =>
      `--zz\r\nContent-Disposition: form-data; name="${name}"${file ? '; filename="model.onnx"' : ''}\r\n\r\n${content}`;
    const upload = (body: string, contentType: string) => send('POST', '/admin/models/echo/versions', body, contentType);
    const unreadable = /multipart form cannot be read .*boundary/;

    it('refuses a form without a boundary', async () => {
      refused(await upload(`${part('artifact', 'abc', true)}\r\n--zz--\r\n`, 'multipart/form-data'), 400, 'UMBRAL_ERR_INVALID_REQUEST', unreadable);
    });

    it('refuses a body that does not use the boundary its content type names', async () => {
      refused(await upload(`${part('artifact', 'abc', true)}\r\n--zz--\r\n`, 'multipart/form-data; boundary=yy'), 400, 'UMBRAL_ERR_INVALID_REQUEST', unreadable);
    });

    it('refuses a body cut short inside the file or inside a field', async () => {
      refused(await upload(part('artifact', 'abc', true), 'multipart/form-data; boundary=zz'), 400, 'UMBRAL_ERR_INVALID_REQUEST', unreadable);
      refused(await upload(part('alias', 'ab'), 'multipart/form-data; boundary=zz'), 400, 'UMBRAL_ERR_INVALID_REQUEST', unreadable);
      refused(await upload(`${part('sha256', 'ab')}\r\n--zz\r\nContent-Disp`, 'multipart/form-data; boundary=zz'), 400, 'UMBRAL_ERR_INVALID_REQUEST', unreadable);
    });

    it('still accepts nothing but multipart there', async () => {
      refused(await upload('{}', 'application/json'), 415, 'UMBRAL_ERR_UNSUPPORTED_MEDIA_TYPE', /send multipart\/form-data/);
    });
  });
});
