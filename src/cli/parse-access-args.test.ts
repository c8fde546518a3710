import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeysCommand, type KeysAction, type UsersAction } from './parse-access-args.js';
import { parseCommand } from './parse-args.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

/** The action of `umbral keys ARGV`, `--expires` counted from NOW. */
function keys(...argv: string[]): KeysAction {
  const command = parseKeysCommand(argv, NOW);
  assert.equal(command.kind, 'keys', argv.join(' '));
  return (command as { action: KeysAction }).action;
}

function users(...argv: string[]): UsersAction {
  const command = parseCommand(['users', ...argv]);
  assert.equal(command.kind, 'users', argv.join(' '));
  return (command as { action: UsersAction }).action;
}

function rejects(argv: string[], message: RegExp): void {
  const [group, ...rest] = argv;
  const parse = () => (group === 'keys' ? parseKeysCommand(rest, NOW) : parseCommand(argv));
  assert.throws(parse, (error: Error & { code?: string }) => {
    assert.equal(error.code, 'UMBRAL_ERR_USAGE', argv.join(' '));
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    assert.match(error.message, message, argv.join(' '));
    return true;
  });
}

describe('parseCommand: keys', () => {
  it('reads create with every flag, and the common flags', () => {
    assert.deepEqual(parseKeysCommand(['create', '--name', 'ci', '--scope', 'infer', '--scope', 'admin:read,admin:write',
      '--model', 'spam', '--model', 'echo', '--expires', '30d', '--rps', '5', '--rpm', '100', '--concurrent', '2',
      '--url', 'http://h:1', '--key', 'k', '--json'], NOW), {
      kind: 'keys',
      action: {
        name: 'create',
        key: {
          name: 'ci', scopes: ['infer', 'admin:read', 'admin:write'], models: ['spam', 'echo'],
          expiresAt: '2026-03-31T12:00:00.000Z', limits: { requestsPerSecond: 5, requestsPerMinute: 100, concurrent: 2 },
        },
      },
      client: { url: 'http://h:1', key: 'k' },
      json: true,
    });
  });

  it('reads create with only what it needs, without optional fields in the body', () => {
    assert.deepEqual(parseCommand(['keys', 'create', '--name', 'ci', '--scope', 'infer']), {
      kind: 'keys', action: { name: 'create', key: { name: 'ci', scopes: ['infer'] } }, client: { url: undefined, key: undefined }, json: false,
    });
  });

  it('drops repeated scopes and models, and spaces around comma-separated scopes', () => {
    assert.deepEqual(keys('create', '--name', 'n', '--scope', 'infer, access:admin', '--scope', 'infer', '--model', 'm', '--model', 'm'),
      { name: 'create', key: { name: 'n', scopes: ['infer', 'access:admin'], models: ['m'] } });
  });

  it('reads only the limits given', () => {
    assert.deepEqual(keys('create', '--name', 'n', '--scope', 'infer', '--rpm', '60'),
      { name: 'create', key: { name: 'n', scopes: ['infer'], limits: { requestsPerMinute: 60 } } });
  });

  it('turns --expires into a UTC time: hours, days, a date, a date-time with an offset', () => {
    const expiresAt = (raw: string) => {
      const action = keys('create', '--name', 'n', '--scope', 'infer', '--expires', raw);
      return action.name === 'create' ? action.key.expiresAt : undefined;
    };
    assert.equal(expiresAt('12h'), '2026-03-02T00:00:00.000Z');
    assert.equal(expiresAt('1d'), '2026-03-02T12:00:00.000Z');
    assert.equal(expiresAt('2027-01-31'), '2027-01-31T00:00:00.000Z');
    assert.equal(expiresAt('2027-01-31T12:30:00+02:00'), '2027-01-31T10:30:00.000Z');
    assert.equal(expiresAt('2027-01-31T12:30Z'), '2027-01-31T12:30:00.000Z');
  });

  it('counts a relative --expires from the clock when none is given', () => {
    const before = Date.now();
    const command = parseCommand(['keys', 'create', '--name', 'n', '--scope', 'infer', '--expires', '1h']);
    const after = Date.now();
    assert.ok(command.kind === 'keys' && command.action.name === 'create');
    const at = Date.parse(command.action.key.expiresAt ?? '');
    assert.ok(at >= before + 3_600_000 && at <= after + 3_600_000, `${command.action.key.expiresAt}`);
  });

  it('reads list and revoke', () => {
    assert.deepEqual(keys('list'), { name: 'list' });
    assert.deepEqual(keys('list', '--json'), { name: 'list' });
    assert.deepEqual(keys('revoke', 'k3x9'), { name: 'revoke', id: 'k3x9' });
  });

  it('answers help for keys, an action, or --help anywhere', () => {
    for (const argv of [['keys'], ['keys', '--help'], ['keys', 'help'], ['keys', 'create', '--help'], ['keys', 'revoke', '-h']]) {
      assert.equal(parseCommand(argv).kind, 'help', argv.join(' '));
    }
  });

  it('rejects bad usage with a one-line UMBRAL_ERR_USAGE that says what to fix', () => {
    const create = ['keys', 'create', '--name', 'n', '--scope', 'infer'];
    rejects(['keys', 'rotate'], /unknown command 'keys rotate'/);
    rejects(['keys', 'list', 'extra'], /keys list takes no arguments/);
    rejects(['keys', 'list', '--colour'], /keys list: Unknown option '--colour'/);
    rejects(['keys', 'revoke'], /keys revoke takes ID, got none/);
    rejects(['keys', 'revoke', 'a', 'b'], /keys revoke takes ID, got 'a b'/);
    rejects(['keys', 'revoke', ''], /ID must not be empty/);
    rejects(['keys', 'create', '--scope', 'infer'], /needs --name NAME/);
    rejects(['keys', 'create', '--name', '', '--scope', 'infer'], /needs --name NAME/);
    rejects(['keys', 'create', '--name', 'n'], /needs --scope S \(one or more of infer, admin:read, admin:write, access:admin, feedback\)/);
    rejects(['keys', 'create', '--name', 'n', '--scope', 'admin'], /unknown scope 'admin'; give infer, admin:read/);
    rejects(['keys', 'create', '--name', 'n', '--scope', 'infer,'], /unknown scope ''/);
    rejects(['keys', 'create', '--name', 'n', '--scope'], /keys create: Option '--scope <value>' argument missing/);
    rejects(['keys', 'create', 'extra', '--name', 'n', '--scope', 'infer'], /keys create takes no arguments/);
    rejects([...create, '--model', ''], /--model must not be empty/);
    rejects([...create, '--rps', '0'], /--rps must be an integer of at least 1, got '0'/);
    rejects([...create, '--rpm', '1.5'], /--rpm must be an integer of at least 1/);
    rejects([...create, '--concurrent', 'many'], /--concurrent must be an integer of at least 1/);
    rejects([...create, '--expires', '30'], /--expires must be a duration like 30d or 12h, or a date/);
    rejects([...create, '--expires', '30m'], /--expires must be a duration/);
    rejects([...create, '--expires', '0d'], /--expires count must be an integer of at least 1/);
    rejects([...create, '--expires', '2027-02-30'], /--expires must be a duration/);
    rejects([...create, '--expires', '2027-01-31T12:00:00'], /--expires must be a duration/);
    rejects([...create, '--expires', 'tomorrow'], /--expires must be a duration/);
    rejects([...create, '--expires', '2026-03-01'], /--expires '2026-03-01' is not in the future/);
    rejects([...create, '--expires', '99999999999d'], /too far in the future/);
    rejects([...create, '--limit', '3'], /Unknown option '--limit'/);
  });
});

describe('parseCommand: users', () => {
  it('reads every action and the common flags', () => {
    assert.deepEqual(parseCommand(['users', 'create', 'alice', '--role', 'viewer', '--url', 'http://h:1', '--key', 'k', '--json']), {
      kind: 'users', action: { name: 'create', username: 'alice', role: 'viewer' }, client: { url: 'http://h:1', key: 'k' }, json: true,
    });
    assert.deepEqual(users('list'), { name: 'list' });
    assert.deepEqual(users('set-role', 'alice', 'operator'), { name: 'set-role', username: 'alice', role: 'operator' });
    assert.deepEqual(users('disable', 'alice'), { name: 'disable', username: 'alice' });
    assert.deepEqual(users('enable', 'alice', '--json'), { name: 'enable', username: 'alice' });
  });

  it('answers help for users, an action, or --help anywhere', () => {
    for (const argv of [['users'], ['users', '-h'], ['users', 'help'], ['users', 'create', 'alice', '--help'], ['users', 'set-role', '-h']]) {
      assert.equal(parseCommand(argv).kind, 'help', argv.join(' '));
    }
  });

  it('rejects bad usage with a one-line UMBRAL_ERR_USAGE that says what to fix', () => {
    rejects(['users', 'delete', 'alice'], /unknown command 'users delete'/);
    rejects(['users', 'list', 'alice'], /users list takes no arguments/);
    rejects(['users', 'create', '--role', 'viewer'], /users create takes USERNAME, got none/);
    rejects(['users', 'create', 'alice'], /users create: --role is needed \(one of admin, operator, viewer, client\)/);
    rejects(['users', 'create', 'alice', '--role', 'root'], /--role must be one of admin, operator, viewer, client, got 'root'/);
    rejects(['users', 'create', 'alice', '--role', 'viewer', '--password', 'pw'], /Unknown option '--password'/);
    rejects(['users', 'create', '', '--role', 'viewer'], /USERNAME must not be empty/);
    rejects(['users', 'set-role', 'alice'], /users set-role takes USERNAME ROLE, got 'alice'/);
    rejects(['users', 'set-role', 'alice', 'superuser'], /ROLE must be one of admin, operator, viewer, client, got 'superuser'/);
    rejects(['users', 'disable'], /users disable takes USERNAME, got none/);
    rejects(['users', 'enable', 'a', 'b'], /users enable takes USERNAME, got 'a b'/);
    rejects(['users', 'disable', 'alice', '--role', 'admin'], /Unknown option '--role'/);
    rejects(['users', 'list', '--url'], /Option '--url <value>' argument missing/);
  });
});
