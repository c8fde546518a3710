import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UMBRAL_VERSION } from '../src/version.js';
import { cpSync } from 'node:fs';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { runCli, serveCli } from './helpers/spawn-cli.js';
import { ECHO_MODEL_DIR } from './helpers/test-server.js';
import { testTempDir } from './helpers/temp-dir.js';

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
    const repo = testTempDir('umbral-strict-');
    mkdirSync(join(repo, 'broken/1'), { recursive: true });
    writeFileSync(join(repo, 'broken/1/model.onnx'), 'not a model');
    const result = await runCli(['serve', '--strict', '--models', repo, '--port', '0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /strict/);
    assert.match(result.stdout, /broken/);
  });

  it('applies migrations with umbral migrate, once', async () => {
    const data = testTempDir('umbral-migrate-');
    const first = await runCli(['migrate'], { UMBRAL_DATA_DIR: data });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied to the embedded database .*0001-registry/);
    const second = await runCli(['migrate'], { UMBRAL_DATA_DIR: data });
    assert.match(second.stdout, /is up to date/);
    assert.equal((await runCli(['migrate', '--colour'])).code, 2);
  });

  it('refuses a second server on a data directory in use, saying which process holds it', async () => {
    const data = testTempDir('umbral-locked-');
    const models = testTempDir('umbral-models-');
    const first = await serveCli(['--models', models], { UMBRAL_DATA_DIR: data });
    try {
      const second = await runCli(['serve', '--port', '0', '--models', models], { UMBRAL_DATA_DIR: data });
      assert.equal(second.code, 1);
      assert.match(second.stderr, /in use by another umbral process \(pid \d+/);
    } finally {
      first.child.kill('SIGTERM');
    }
  });

  it('reloads the model repository on SIGHUP without a restart', async () => {
    const models = testTempDir('umbral-models-');
    cpSync(join(BUNDLED_MODELS_DIR, 'spam-classifier'), join(models, 'spam-classifier'), { recursive: true });
    const { child, url } = await serveCli(['--models', models]);
    try {
      assert.equal((await fetch(`${url}/v2/models/echo/ready`)).status, 404);
      cpSync(ECHO_MODEL_DIR, join(models, 'echo'), { recursive: true });
      child.kill('SIGHUP');
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await fetch(`${url}/v2/models/echo/ready`)).status;
      }
      assert.equal(status, 200, 'the model added on disk serves after SIGHUP');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
