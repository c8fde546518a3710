import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Balancer, type Candidate } from './balancer.js';

interface Server extends Candidate { readonly name: string }

function server(name: string, state: { outstanding?: number; healthy?: boolean; openForMs?: number } = {}): Server {
  const open = state.openForMs !== undefined;
  return {
    name, outstanding: state.outstanding ?? 0, healthy: state.healthy ?? true,
    breaker: { admits: () => !open, msUntilHalfOpen: () => state.openForMs ?? 0 },
  };
}
const names = (picked: readonly Server[]) => picked.map((s) => s.name);

describe('Balancer', () => {
  it('picks the server with the fewest calls in flight', () => {
    const servers = [server('a', { outstanding: 3 }), server('b', { outstanding: 1 }), server('c', { outstanding: 2 })];
    const balancer = new Balancer('m', 5_000);
    assert.deepEqual(names([0, 1, 2].map(() => balancer.pick(servers))), ['b', 'b', 'b']);
  });

  it('rotates among servers equally idle rather than always taking the first', () => {
    const servers = [server('a'), server('b'), server('c')];
    const balancer = new Balancer('m', 5_000);
    assert.deepEqual(names(Array.from({ length: 6 }, () => balancer.pick(servers))), ['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('skips servers whose breaker refuses, and healthy ones come first', () => {
    const servers = [server('open', { openForMs: 1_000 }), server('sick', { healthy: false }), server('well', { outstanding: 9 })];
    const balancer = new Balancer('m', 5_000);
    assert.deepEqual(names([0, 1, 2].map(() => balancer.pick(servers))), ['well', 'well', 'well']);
  });

  it('uses servers that failed their health check when no server passed it', () => {
    const servers = [server('a', { healthy: false }), server('b', { healthy: false })];
    assert.ok(['a', 'b'].includes(new Balancer('m', 5_000).pick(servers).name));
  });

  it('avoids the server that just failed unless it is the only one left', () => {
    const [a, b] = [server('a'), server('b', { outstanding: 5 })];
    const balancer = new Balancer('m', 5_000);
    assert.equal(balancer.pick([a, b], a).name, 'b');
    assert.equal(balancer.pick([a], a).name, 'a');
  });

  it('refuses with UMBRAL_ERR_CIRCUIT_OPEN until the first breaker half-opens when every breaker is open', () => {
    const servers = [server('a', { openForMs: 2_500 }), server('b', { openForMs: 4_000 })];
    assert.throws(() => new Balancer('m', 5_000).pick(servers),
      (error: { code?: string; retryAfterSeconds?: number }) => error.code === 'UMBRAL_ERR_CIRCUIT_OPEN' && error.retryAfterSeconds === 3);
    assert.throws(() => new Balancer('m', 5_000).pick([server('a', { openForMs: 10 })]),
      (error: { retryAfterSeconds?: number }) => error.retryAfterSeconds === 1, 'never less than a second');
  });
});
