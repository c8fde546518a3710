import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { integerArg, parseAction, stringList, stringValue } from './parse-action-args.js';

const SPECS = {
  get: { positionals: ['THING'], options: { tag: { type: 'string', multiple: true } } },
  list: { positionals: [], options: {} },
} as const;

describe('parseAction', () => {
  it('reads the action, its arguments and flags, and the common flags', () => {
    // parseArgs answers its values in an object without a prototype.
    const plain = (parsed: ReturnType<typeof parseAction>) => ('values' in parsed ? { ...parsed, values: { ...parsed.values } } : parsed);
    assert.deepEqual(plain(parseAction('things', ['get', 'a', '--tag', 'x', '--tag', 'y', '--url', 'http://h:1', '--key', 'k', '--json'], SPECS)), {
      kind: 'action', name: 'get', positionals: ['a'],
      values: { tag: ['x', 'y'], url: 'http://h:1', key: 'k', json: true },
      client: { url: 'http://h:1', key: 'k' }, json: true,
    });
    assert.deepEqual(plain(parseAction('things', ['list'], SPECS)), {
      kind: 'action', name: 'list', positionals: [], values: {}, client: { url: undefined, key: undefined }, json: false,
    });
  });

  it('answers help for no action, help, or -h/--help anywhere', () => {
    for (const argv of [[], ['help'], ['--help'], ['-h'], ['get', '--help'], ['list', '-h']]) {
      assert.deepEqual(parseAction('things', argv, SPECS), { kind: 'help' }, argv.join(' '));
    }
  });

  it('names the group and action in usage errors', () => {
    const cases: Array<[string[], RegExp]> = [
      [['toString'], /^unknown command 'things toString'; run umbral --help$/],
      [['get'], /^things get takes THING, got none; run umbral --help$/],
      [['list', 'a', 'b'], /^things list takes no arguments, got 'a b'; run umbral --help$/],
      [['list', '--tag', 'x'], /^things list: Unknown option '--tag'/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parseAction('things', argv, SPECS), (error: Error & { code?: string }) =>
        error.code === 'UMBRAL_ERR_USAGE' && message.test(error.message), argv.join(' '));
    }
  });
});

describe('flag values', () => {
  it('reads integers of at least the minimum, and nothing else', () => {
    assert.equal(integerArg('7', 'N', 1), 7);
    assert.equal(integerArg('0', 'N', 0), 0);
    for (const raw of ['0', '-1', '1.5', '1e3', ' 1', '', '99999999999999999999']) {
      assert.throws(() => integerArg(raw, '--n', 1), { code: 'UMBRAL_ERR_USAGE', message: `--n must be an integer of at least 1, got '${raw}'` });
    }
  });

  it('reads strings and lists of strings, absent as undefined or empty', () => {
    assert.equal(stringValue('a'), 'a');
    assert.equal(stringValue(true), undefined);
    assert.equal(stringValue(undefined), undefined);
    assert.deepEqual(stringList(['a', 'b']), ['a', 'b']);
    assert.deepEqual(stringList(undefined), []);
    assert.deepEqual(stringList('a'), []);
  });
});
