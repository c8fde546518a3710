import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from './parse-args.js';

const HASH = 'AB'.repeat(32);

describe('parseCommand: models', () => {
  it('reads push with every flag, the hash lower-cased', () => {
    assert.deepEqual(parseCommand(['models', 'push', 'models/spam', '--model', 'spam', '--alias', 'challenger',
      '--manifest', 'm.json', '--sha256', HASH, '--create', '--url', 'http://h:1', '--key', 'k', '--json']), {
      kind: 'models',
      action: { name: 'push', path: 'models/spam', model: 'spam', alias: 'challenger', manifestFile: 'm.json', sha256: HASH.toLowerCase(), create: true },
      client: { url: 'http://h:1', key: 'k' },
      json: true,
    });
  });

  it('reads push with only what it needs', () => {
    assert.deepEqual(parseCommand(['models', 'push', 'a.onnx', '--model', 'a']), {
      kind: 'models',
      action: { name: 'push', path: 'a.onnx', model: 'a', alias: undefined, manifestFile: undefined, sha256: undefined, create: false },
      client: { url: undefined, key: undefined },
      json: false,
    });
  });

  it('reads the other actions and their arguments', () => {
    const action = (argv: string[]) => {
      const command = parseCommand(['models', ...argv]);
      return command.kind === 'models' ? command.action : command;
    };
    assert.deepEqual(action(['list']), { name: 'list' });
    assert.deepEqual(action(['show', 'm']), { name: 'show', model: 'm' });
    assert.deepEqual(action(['alias', 'm', 'challenger', '3']), { name: 'alias', model: 'm', alias: 'challenger', version: 3 });
    assert.deepEqual(action(['promote', 'm']), { name: 'promote', model: 'm' });
    assert.deepEqual(action(['rollback', 'm']), { name: 'rollback', model: 'm' });
    assert.deepEqual(action(['history', 'm']), { name: 'history', model: 'm' });
    assert.deepEqual(action(['history', 'm', '--limit', '5']), { name: 'history', model: 'm', limit: 5 });
    assert.deepEqual(action(['list', '--json']), { name: 'list' });
  });

  it('answers help for models, an action, or --help anywhere', () => {
    for (const argv of [['models'], ['models', '--help'], ['models', 'help'], ['models', 'push', '--help'], ['models', 'list', '-h']]) {
      assert.equal(parseCommand(argv).kind, 'help', argv.join(' '));
    }
  });

  it('rejects bad usage with a one-line UMBRAL_ERR_USAGE', () => {
    const bad = [
      ['models', 'frobnicate'],
      ['models', 'list', '--colour'],
      ['models', 'list', 'extra'],
      ['models', 'show'],
      ['models', 'show', 'a', 'b'],
      ['models', 'show', 'm', '--url'],
      ['models', 'alias', 'm', 'champion'],
      ['models', 'alias', 'm', 'champion', 'three'],
      ['models', 'alias', 'm', 'champion', '0'],
      ['models', 'history', 'm', '--limit', '0'],
      ['models', 'history', 'm', '--limit', '-1'],
      ['models', 'push', 'dir'],
      ['models', 'push', '--model', 'm'],
      ['models', 'push', 'dir', '--model', 'm', '--sha256', 'abc'],
      ['models', 'push', 'dir', '--model', 'm', '--limit', '3'],
      ['models', 'promote', 'm', '--create'],
    ];
    for (const argv of bad) {
      assert.throws(() => parseCommand(argv), (error: Error & { code?: string }) =>
        error.code === 'UMBRAL_ERR_USAGE' && !error.message.includes('\n'), argv.join(' '));
    }
  });
});
