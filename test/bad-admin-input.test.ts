import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scaleModel } from './helpers/scale-model.js';
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

  describe('a control character in a path or query parameter', () => {
    const paths: Array<[string, string]> = [
      ['GET', '/admin/models/%00'], ['GET', '/admin/models/%00/versions'], ['GET', '/admin/models/echo/versions/1%00'],
      ['DELETE', '/admin/models/echo/versions/%00'], ['PUT', '/admin/models/echo/versions/1/tags/%00'],
      ['PUT', '/admin/models/%00/aliases/champion'], ['DELETE', '/admin/models/echo/aliases/%00'],
      ['POST', '/admin/models/%00/promote'], ['POST', '/admin/models/%00/rollback'], ['POST', '/admin/models/%00/reload'],
      ['GET', '/admin/models/%00/history'], ['GET', '/admin/models/%00/servers'], ['DELETE', '/admin/keys/%00'],
      ['PUT', '/admin/users/%00/role'], ['POST', '/admin/users/a%00b/disable'], ['GET', '/v2/models/%00/ready'],
      ['POST', '/v2/models/echo/versions/%1F/infer'], ['GET', '/admin/models/echo%7F'],
    ];

    it('refuses it on every route with a 400 naming the parameter', async () => {
      for (const [method, path] of paths) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const answer = await send(method, path, body, body === undefined ? undefined : 'application/json');
        refused(answer, 400, 'UMBRAL_ERR_INVALID_REQUEST', /path parameter '[a-z]+': holds the control character U\+00(00|1F|7F); .*printable/);
      }
    });

    it('refuses it in a query string, in a value or a key', async () => {
      refused(await send('GET', '/admin/auth/events?before=%00'), 400, 'UMBRAL_ERR_INVALID_REQUEST', /query parameter 'before': holds the control character U\+0000/);
      refused(await send('GET', '/admin/models/echo/history?a%00=1'), 400, 'UMBRAL_ERR_INVALID_REQUEST', /query parameter 'aU\+0000'/);
      refused(await send('GET', '/health/live?x=1&x=%0A'), 400, 'UMBRAL_ERR_INVALID_REQUEST', /query parameter 'x'/);
    });

    it('takes an encoded percent sign for what it is: text, not a NUL', async () => {
      refused(await send('GET', '/admin/models/%2500'), 404, 'UMBRAL_ERR_MODEL_NOT_FOUND', /not known/);
    });
  });

  describe('numbers in a query that PostgreSQL cannot take', () => {
    it('refuses them with a 400 on every paged log', async () => {
      for (const path of ['/admin/auth/events', '/admin/models/echo/history']) {
        refused(await send('GET', `${path}?limit=1e400`), 400, 'UMBRAL_ERR_INVALID_REQUEST', /query parameter 'limit': must be a whole number/);
        refused(await send('GET', `${path}?before=-1e400`), 400, 'UMBRAL_ERR_INVALID_REQUEST', /querystring\/before must be >= 1|query parameter 'before'/);
        refused(await send('GET', `${path}?before=Infinity`), 400, 'UMBRAL_ERR_INVALID_REQUEST', /query parameter 'before': must be a whole number/);
        refused(await send('GET', `${path}?before=1e20`), 400, 'UMBRAL_ERR_INVALID_REQUEST', /before must be <= 9007199254740991/);
        refused(await send('GET', `${path}?limit=1001`), 400, 'UMBRAL_ERR_INVALID_REQUEST', /limit must be <= 1000/);
      }
    });

    it('still serves a page below an id', async () => {
      const answer = await send('GET', '/admin/auth/events?limit=2&before=9007199254740991');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.ok(Array.isArray(answer.body.events));
    });
  });

  describe('a URL the router cannot read', () => {
    it('answers bad percent-encoding with a catalogue code and the security headers', async () => {
      for (const path of ['/admin/models/%zz', '/admin/models/%ED%A0%80', '/v2/models/%C0%80/infer']) {
        const response = await fetch(`${server.url}${path}`);
        const body = await response.json() as Record<string, unknown>;
        assert.equal(response.status, 400, path);
        assert.equal(body.code, 'UMBRAL_ERR_INVALID_REQUEST', JSON.stringify(body));
        assert.match(String(body.error), /percent-encoded UTF-8/);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(response.headers.get('x-umbral-error-code'), 'UMBRAL_ERR_INVALID_REQUEST');
      }
    });

    it('lets a long name reach the route, which says how long a name may be; an endless one is a 414', async () => {
      refused(await send('GET', `/admin/models/${'a'.repeat(129)}`), 400, 'UMBRAL_ERR_INVALID_REQUEST', /128 characters/);
      refused(await send('GET', `/admin/models/${'a'.repeat(120)}`), 404, 'UMBRAL_ERR_MODEL_NOT_FOUND', /not known/);
      refused(await send('GET', `/admin/models/${'a'.repeat(3000)}`), 414, 'UMBRAL_ERR_URL_TOO_LONG', /longer than 2048/);
    });
  });

  describe('text PostgreSQL cannot store, in a body', () => {
    const json = 'application/json';

    it('refuses NUL or an unpaired surrogate in any string of an admin or account body, naming the field', async () => {
      refused(await send('POST', '/admin/models', '{"name": "nul-description", "description": "a\\u0000b"}', json),
        400, 'UMBRAL_ERR_INVALID_REQUEST', /^body\.description: holds the character U\+0000 \(NUL\)/);
      refused(await send('POST', '/admin/models', '{"name": "lone-surrogate", "description": "a\\ud800b"}', json),
        400, 'UMBRAL_ERR_INVALID_REQUEST', /^body\.description: holds an unpaired UTF-16 surrogate/);
      refused(await send('POST', '/admin/keys', '{"name": "k", "scopes": ["infer"], "models": ["echo", "\\u0000"]}', json),
        400, 'UMBRAL_ERR_INVALID_REQUEST', /^body\.models\[1\]: /);
      refused(await send('PUT', '/admin/models/echo/servers', '{"servers": ["http://a\\u0000"]}', json),
        400, 'UMBRAL_ERR_INVALID_REQUEST', /^body\.servers\[0\]: /);
      refused(await send('POST', '/auth/login', '{"username": "alice", "password": "\\udc00"}', json),
        400, 'UMBRAL_ERR_INVALID_REQUEST', /^body\.password: /);
      const listed = await send('GET', '/admin/models');
      assert.deepEqual((listed.body.models as Array<{ name: string }>).map((m) => m.name), ['echo'], 'nothing was created');
    });

    it('refuses it in an uploaded manifest', async () => {
      for (const manifest of ['{"description": "a\\u0000"}', '{"metrics": {"acc\\ud800": 1}}']) {
        const form = new FormData();
        form.append('manifest', manifest);
        form.append('artifact', new Blob([scaleModel(7)]), 'model.onnx');
        const response = await fetch(`${server.url}/admin/models/nul-manifest/versions`, { method: 'POST', body: form });
        refused({ status: response.status, body: await response.json() as Record<string, unknown> },
          400, 'UMBRAL_ERR_MANIFEST_INVALID', /manifest\.(description|metrics \(a key\)): holds/);
      }
    });

    it('refuses nesting too deep to store, in a body or an uploaded manifest', async () => {
      const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
      refused(await send('POST', '/admin/models', `{"name": "deep", "description": ${deep}}`, json),
        400, 'UMBRAL_ERR_INVALID_REQUEST', /^body\.description(\[0\])+: is nested deeper than 64 levels/);
      const form = new FormData();
      form.append('manifest', `{"training": {"parameters": {"grid": ${deep}}}}`);
      form.append('artifact', new Blob([scaleModel(8)]), 'model.onnx');
      const response = await fetch(`${server.url}/admin/models/deep-manifest/versions`, { method: 'POST', body: form });
      refused({ status: response.status, body: await response.json() as Record<string, unknown> },
        400, 'UMBRAL_ERR_MANIFEST_INVALID', /manifest\.training\.parameters\.grid(\[0\])+: is nested deeper than 64 levels/);
    });

    it('leaves model data alone: a BYTES element may hold NUL', async () => {
      const body = JSON.stringify({
        inputs: [
          { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }, { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [1, 2, 3] },
          { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [1, 2, 3] }, { name: 'int64', datatype: 'INT64', shape: [1, 3], data: [1, 2, 3] },
          { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [1, 2, 3] }, { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
          { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['a\u0000b'] },
        ],
      });
      const answer = await send('POST', '/v2/models/echo/infer', body, json);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    });
  });

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
