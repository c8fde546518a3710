import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from './parse-args.js';

describe('umbral backup, umbral restore and forced promotions on the command line', () => {
  it('reads backup --out, restore DIR [--force]', () => {
    assert.deepEqual(parseCommand(['backup', '--out', '/b/one']), { kind: 'backup', configFile: undefined, out: '/b/one' });
    assert.deepEqual(parseCommand(['restore', '/b/one', '--force', '--config', 'u.yaml']), { kind: 'restore', configFile: 'u.yaml', from: '/b/one', force: true });
    assert.deepEqual(parseCommand(['restore', '/b/one']), { kind: 'restore', configFile: undefined, from: '/b/one', force: false });
  });

  it('refuses what they do not take, in one line', () => {
    assert.throws(() => parseCommand(['backup']), /needs --out DIR/);
    assert.throws(() => parseCommand(['backup', '--out', 'x', '--force']), /--out DIR \(and --config FILE\) only/);
    assert.throws(() => parseCommand(['restore']), /needs one argument/);
    assert.throws(() => parseCommand(['restore', 'a', 'b']), /needs one argument/);
    assert.throws(() => parseCommand(['restore', '--out', 'a']), /not --out/);
  });

  it('reads --force --reason on promote and alias, and refuses one without the other', () => {
    const promote = parseCommand(['models', 'promote', 'm', '--force', '--reason', 'clients updated']);
    assert.deepEqual(promote.kind === 'models' && promote.action, { name: 'promote', model: 'm', force: { reason: 'clients updated' } });
    const alias = parseCommand(['models', 'alias', 'm', 'champion', '3']);
    assert.deepEqual(alias.kind === 'models' && alias.action, { name: 'alias', model: 'm', alias: 'champion', version: 3 });
    assert.throws(() => parseCommand(['models', 'promote', 'm', '--force']), /--force needs --reason TEXT/);
    assert.throws(() => parseCommand(['models', 'alias', 'm', 'a', '1', '--reason', 'x']), /--reason goes with --force/);
  });
});
