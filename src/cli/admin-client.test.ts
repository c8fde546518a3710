import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AdminClient, modelPath } from './admin-client.js';
import { ClientError } from './client-error.js';

describe('AdminClient', () => {
  const seen: IncomingMessage[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(request);
    const send = (status: number, body: string, type = 'application/json') => response.writeHead(status, { 'content-type': type }).end(body);
    if (request.url === '/admin/models') return send(200, '{"models":[]}');
    if (request.url === '/admin/models/gone') return send(404, '{"error":"model \'gone\' is not known","code":"UMBRAL_ERR_MODEL_NOT_FOUND"}');
    if (request.url === '/admin/models/proxy') return send(502, '<html>bad gateway</html>', 'text/html');
    if (request.url === '/admin/models/html') return send(200, '<html></html>', 'text/html');
    return response.writeHead(204).end();
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('sends the key as a bearer token and answers the parsed JSON', async () => {
    assert.deepEqual(await new AdminClient({ url, apiKey: 's3cret' }).json('GET', '/admin/models'), { models: [] });
    assert.equal(seen.at(-1)?.headers.authorization, 'Bearer s3cret');
    assert.match(seen.at(-1)?.headers['user-agent'] ?? '', /^umbral-cli\//);
    await new AdminClient({ url, apiKey: undefined }).json('POST', '/admin/models/m/promote');
    assert.equal(seen.at(-1)?.headers.authorization, undefined);
  });

  it('answers undefined for an empty answer', async () => {
    assert.equal(await new AdminClient({ url, apiKey: undefined }).json('DELETE', '/admin/models/m/versions/1'), undefined);
  });

  it('throws the server error with its code, or the HTTP status when the answer is not umbral\'s', async () => {
    const client = new AdminClient({ url, apiKey: undefined });
    await assert.rejects(client.json('GET', '/admin/models/gone'), (error: ClientError) => {
      assert.deepEqual(error.describe(), ["model 'gone' is not known (UMBRAL_ERR_MODEL_NOT_FOUND)"]);
      assert.equal(error.status, 404);
      return true;
    });
    await assert.rejects(client.json('GET', '/admin/models/proxy'), (error: ClientError) =>
      error.describe()[0] === 'the server answered 502 Bad Gateway (HTTP 502)');
    await assert.rejects(client.json('GET', '/admin/models/html'), /other than JSON; is http:\/\/127\.0\.0\.1:\d+ an umbral server/);
  });

  it('says when the server cannot be reached, without a code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new AdminClient({ url: `http://127.0.0.1:${port}`, apiKey: undefined });
    await assert.rejects(client.json('GET', '/admin/models'), (error: ClientError) =>
      error instanceof ClientError && error.code === undefined
      && error.describe()[0] === `cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('percent-encodes the parts of a model path', () => {
    assert.equal(modelPath('a b', 'aliases', 'x/y'), '/admin/models/a%20b/aliases/x%2Fy');
    assert.equal(modelPath('m', 'versions', 3), '/admin/models/m/versions/3');
  });
});
