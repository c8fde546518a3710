import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UMBRAL_VERSION } from '../src/version.js';
import { runCli } from './helpers/spawn-cli.js';

describe('the umbral command', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /umbral serve \[--config FILE\] \[--models DIR\] \[--host H\] \[--port P\]/);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), UMBRAL_VERSION);
  });

  it('exits 2 with a one-line error for unknown flags and bad values', async () => {
    for (const args of [['serve', '--colour', 'red'], ['serve', '--port', 'eighty'], ['serve', '--port', '70000'], ['launch']]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^umbral: /);
    }
  });

  it('exits 2 listing every configuration problem at once', async () => {
    const result = await runCli(['serve'], { UMBRAL_PORT: 'x', UMBRAL_LOG_FORMAT: 'xml', UMBRAL_ONNX_WORKERS: '0' });
    assert.equal(result.code, 2);
    for (const key of ['server.port', 'log.format', 'onnx.workers']) assert.match(result.stderr, new RegExp(key.replace('.', '\\.')));
  });

  it('fails the boot in --strict mode when a model is broken', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'umbral-strict-'));
    mkdirSync(join(repo, 'broken/1'), { recursive: true });
    writeFileSync(join(repo, 'broken/1/model.onnx'), 'not a model');
    const result = await runCli(['serve', '--strict', '--models', repo, '--port', '0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /strict/);
    assert.match(result.stdout, /broken/);
  });
});
