import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call, startSecuredServer } from './helpers/access-kit.js';
import { redisServerAvailable, startRedisProcess, type RedisProcess } from './helpers/redis-process.js';
import { within } from './helpers/replica-kit.js';
import type { TestServer } from './helpers/test-server.js';

const PER_ACCOUNT = 3;
const DOWN = /^Redis is unreachable: .*login throttling stays on/;
const UP = /^Redis is reachable again: rate limits and login throttling use the shared counters/;

/**
 * Two servers on one Redis (one failing open, one failing closed for rate limits), with Redis
 * killed and started again: failed logins are throttled throughout, per process during the outage.
 */
describe('login throttling with Redis killed and started again', { skip: redisServerAvailable() }, () => {
  let redis: RedisProcess;
  const servers: Record<'open' | 'closed', TestServer> = {} as never;

  before(async () => {
    redis = await startRedisProcess();
    const prefix = `t-${randomBytes(4).toString('hex')}:`;
    for (const policy of ['open', 'closed'] as const) {
      servers[policy] = await startSecuredServer({
        models: {},
        overrides: {
          'redis.url': redis.url, 'redis.keyPrefix': prefix, 'rateLimit.onRedisDown': policy,
          'auth.loginFailuresPerAccount': PER_ACCOUNT, 'auth.loginFailuresPerAddress': 10_000,
        },
      });
    }
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((server) => server.shutdown('test done')));
    await redis?.close();
  });

  const wrongLogin = (server: TestServer, username: string) =>
    call(server, 'POST', '/auth/login', { body: { username, password: 'a wrong guess, long enough' } });
  /** `PER_ACCOUNT` failed logins for `username` on `server`: each a plain 401. */
  async function fail(server: TestServer, username: string): Promise<void> {
    for (let i = 0; i < PER_ACCOUNT; i += 1) {
      const answer = await wrongLogin(server, username);
      assert.deepEqual([answer.status, answer.body.code], [401, 'UMBRAL_ERR_INVALID_CREDENTIALS'], `${username}, try ${i + 1}`);
    }
  }
  function throttled(answer: Awaited<ReturnType<typeof wrongLogin>>, what: string): void {
    assert.deepEqual([answer.status, answer.body.code], [429, 'UMBRAL_ERR_LOGIN_THROTTLED'], what);
    assert.ok(Number(answer.headers.get('retry-after')) > 0, `${what}: Retry-After`);
  }
  const logged = (server: TestServer, pattern: RegExp) => server.logLines().filter((line) => pattern.test(String(line.msg))).length;

  it('shares the counts while Redis is up', async () => {
    await fail(servers.open, 'before-outage');
    throttled(await wrongLogin(servers.closed, 'before-outage'), 'the other server sees the same count');
  });

  it('throttles per process while Redis is down, whatever rateLimit.onRedisDown says, and says so once', async () => {
    await redis.stop();
    for (const policy of ['open', 'closed'] as const) {
      const server = servers[policy];
      await fail(server, 'during-outage');
      throttled(await wrongLogin(server, 'during-outage'), `onRedisDown ${policy}: throttled from this process's own count`);
      throttled(await wrongLogin(server, 'during-outage'), `onRedisDown ${policy}: and still`);
      assert.equal(logged(server, DOWN), 1, `onRedisDown ${policy}: ${JSON.stringify(server.logLines().filter((l) => /Redis/.test(String(l.msg))))}`);
    }
  });

  it('shares the counts again once Redis is back', async () => {
    await redis.start();
    let probe = 0;
    for (const server of Object.values(servers)) {
      // Each wrong login reaches the counters, so one of them is the probe that finds Redis again.
      await within(10_000, async () => {
        await wrongLogin(server, `probe-${probe++}`);
        return logged(server, UP) === 1;
      });
    }
    await fail(servers.closed, 'after-outage');
    throttled(await wrongLogin(servers.open, 'after-outage'), 'the other server sees the same count again');
  });
});
