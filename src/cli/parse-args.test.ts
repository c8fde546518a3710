import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from './parse-args.js';

describe('parseCommand', () => {
  it('reads serve flags into config overrides', () => {
    assert.deepEqual(parseCommand(['serve', '--models', 'm', '--host', '0.0.0.0', '--port', '9000', '--grpc-port', '9001', '--strict', '--config', 'c.yaml']), {
      kind: 'serve', configFile: 'c.yaml',
      overrides: { 'models.dir': 'm', 'server.host': '0.0.0.0', 'server.port': 9000, 'grpc.port': 9001, 'models.strict': true },
    });
  });

  it('answers help and version', () => {
    assert.equal(parseCommand([]).kind, 'help');
    assert.equal(parseCommand(['--help']).kind, 'help');
    assert.equal(parseCommand(['serve', '--help']).kind, 'help');
    assert.equal(parseCommand(['--version']).kind, 'version');
  });

  it('rejects unknown commands, unknown flags and missing values with a one-line usage error', () => {
    for (const argv of [['frobnicate'], ['serve', '--colour', 'red'], ['serve', '--port'], ['serve', 'extra']]) {
      assert.throws(() => parseCommand(argv), (error: Error & { code?: string }) =>
        error.code === 'UMBRAL_ERR_USAGE' && !error.message.includes('\n'), argv.join(' '));
    }
  });

  it('leaves a non-numeric port for the config schema to reject', () => {
    const command = parseCommand(['serve', '--port', 'eighty']);
    assert.equal(command.kind === 'serve' && command.overrides['server.port'], 'eighty');
  });
});
