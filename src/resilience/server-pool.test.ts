import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESILIENCE } from './resilience-config.js';
import { ServerPool } from './server-pool.js';
import { UpstreamError } from './upstream-error.js';

function pool(connect: (url: string) => string = (url) => url) {
  const closed: string[] = [];
  const reported: string[] = [];
  const p = new ServerPool<string>({
    name: 'm', breaker: { ...DEFAULT_RESILIENCE.breaker, consecutiveFailures: 1 }, connect, disconnect: async (client) => { closed.push(client); },
    events: {
      breakerState: (url, state, changed) => reported.push(`${url} ${state}${changed ? ' (changed)' : ''}`),
      health: (url, healthy, changed) => reported.push(`${url} ${healthy ? 'healthy' : 'unhealthy'}${changed ? ' (changed)' : ''}`),
    },
  });
  return { p, closed, reported };
}
const urls = (p: ServerPool<string>) => p.servers.map((s) => s.url);

describe('ServerPool', () => {
  it('lists each server once, and reports where each stands', () => {
    const { p, reported } = pool();
    p.set(['a', 'b', 'a']);
    assert.deepEqual(urls(p), ['a', 'b']);
    assert.deepEqual(reported, ['a closed', 'a healthy', 'b closed', 'b healthy']);
  });

  it('keeps the state of servers that stay, and disconnects those that left', async () => {
    const { p, closed, reported } = pool();
    p.set(['a', 'b']);
    const a = p.servers[0];
    await a?.breaker.execute(async () => { throw new UpstreamError('down', 'connect'); }).catch(() => undefined);
    assert.ok(reported.includes('a open (changed)'), 'a breaker change is reported as it happens');
    p.set(['a', 'c']);
    assert.equal(p.servers[0], a);
    assert.deepEqual(p.servers.map((s) => [s.url, s.breaker.state]), [['a', 'open'], ['c', 'closed']]);
    assert.deepEqual(closed, ['b']);
  });

  it('refuses an empty list or an address it cannot connect to with a 400, and changes nothing', () => {
    const { p, closed } = pool((url) => {
      if (!url.startsWith('http')) throw new Error(`'${url}': use http(s)://host:port`);
      return url;
    });
    p.set(['http://a']);
    assert.throws(() => p.set([]), (error: { code?: string; message: string }) => error.code === 'UMBRAL_ERR_INVALID_REQUEST' && /at least one server/.test(error.message));
    assert.throws(() => p.set(['http://b', 'b:1']), (error: { code?: string; message: string }) =>
      error.code === 'UMBRAL_ERR_INVALID_REQUEST' && /use http/.test(error.message));
    assert.deepEqual(urls(p), ['http://a']);
    assert.deepEqual(closed, ['http://b'], 'the client made for the refused list is closed');
  });

  it('disconnects every server on close, and lists none after', async () => {
    const { p, closed } = pool();
    p.set(['a', 'b']);
    await p.close();
    assert.deepEqual(closed, ['a', 'b']);
    assert.deepEqual(urls(p), []);
  });
});
