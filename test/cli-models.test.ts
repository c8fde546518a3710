import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { runCli } from './helpers/spawn-cli.js';
import { ECHO_MODEL_DIR, startTestServer, type TestServer } from './helpers/test-server.js';

const SPAM_DIR = join(BUNDLED_MODELS_DIR, 'spam-classifier');
const ECHO_ONNX = join(ECHO_MODEL_DIR, '1/model.onnx');
const HEAVY_ONNX = join(BUNDLED_MODELS_DIR, 'heavy-mlp/1/model.onnx');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface ModelDoc { name: string; aliases: Record<string, number>; latestVersion: number; serving: { version: string | null; status: string }; versions?: Array<{ version: number }> }

describe('umbral models … against a running server', () => {
  let server: TestServer;
  /** Runs `umbral models ARGS --url <server>`; `json` parses stdout as the one JSON document. */
  const models = (...args: string[]) => runCli(['models', ...args, '--url', server.url]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await models(...args, '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };

  before(async () => { server = await startTestServer({ models: { echo: ECHO_MODEL_DIR } }); });
  after(() => server.shutdown('test over'));

  it('pushes a model directory as a new model, its manifest built from model.yaml', async () => {
    const pushed = await json<{ model: string; version: number; sha256: string; manifest: Record<string, unknown> }>(
      'push', SPAM_DIR, '--model', 'spam', '--create', '--alias', 'champion');
    assert.equal(pushed.model, 'spam');
    assert.equal(pushed.version, 1);
    assert.equal(pushed.sha256, sha256(join(SPAM_DIR, '1/model.onnx')));
    assert.deepEqual(pushed.manifest.labels, { probabilities: ['ham', 'spam'] });
    assert.equal((pushed.manifest.metrics as Record<string, number>).accuracy, 0.9859);
    assert.equal((pushed.manifest.serving as { max_batch_size: number }).max_batch_size, 64);
  });

  it('pushes an .onnx file as the next version, for people', async () => {
    const result = await models('push', ECHO_ONNX, '--model', 'spam', '--alias', 'challenger');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^pushed\s+spam version 2 \(challenger\)$/m);
    assert.match(result.stdout, new RegExp(`^sha256\\s+${sha256(ECHO_ONNX)}$`, 'm'));
    assert.equal(result.stderr, '', 'no progress bar on a pipe');
  });

  it('lists and shows models', async () => {
    const list = await json<{ models: ModelDoc[] }>('list');
    assert.deepEqual(list.models.map((m) => m.name).sort(), ['echo', 'spam']);
    const table = await models('list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^MODEL\s+LATEST\s+SERVING\s+ALIASES\s+CREATED\s+DESCRIPTION$/m);
    assert.match(table.stdout, /^spam\s+2\s+1 \(ready\)\s+challenger=2, champion=1\s/m);

    const shown = await json<ModelDoc>('show', 'spam');
    assert.deepEqual(shown.aliases, { champion: 1, challenger: 2 });
    assert.deepEqual(shown.versions?.map((v) => v.version), [2, 1]);
    const page = await models('show', 'spam');
    assert.equal(page.code, 0, page.stderr);
    assert.match(page.stdout, /^VERSION\s+ALIASES\s+TAGS\s+SIZE\s+SHA256\s+CREATED\s+BY$/m);
    assert.match(page.stdout, /^2\s+challenger\s+-\s+885 B\s/m);
    assert.match(page.stdout, /^1\s+champion\s+-\s+91\.6 kB\s/m);
  });

  it('points an alias, promotes and rolls back', async () => {
    assert.deepEqual((await json<ModelDoc>('alias', 'spam', 'canary', '2')).aliases, { champion: 1, challenger: 2, canary: 2 });
    // Version 2 is the echo fixture: another signature, so only an admin's forced promotion moves it.
    const refused = await models('promote', 'spam');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /UMBRAL_ERR_SIGNATURE_MISMATCH/);
    const promoted = await json<ModelDoc>('promote', 'spam', '--force', '--reason', 'the echo fixture stands in for a retrained model');
    assert.deepEqual(promoted.aliases, { champion: 2, previous: 1, canary: 2 });
    assert.equal(promoted.serving.version, '2');
    const rolledBack = await models('rollback', 'spam');
    assert.equal(rolledBack.code, 0, rolledBack.stderr);
    assert.match(rolledBack.stdout, /^aliases\s+canary=2, champion=1, previous=2$/m);
    assert.match(rolledBack.stdout, /^serving\s+1 \(ready\)$/m);
  });

  it('shows the history, newest first, limited on request', async () => {
    const { entries } = await json<{ entries: Array<{ action: string; subject: string | null; to: string | null }> }>('history', 'spam', '--limit', '3');
    // A rollback moves two aliases (champion and previous), each one entry; promote moved three before.
    assert.deepEqual(entries.map((e) => e.action), ['rollback', 'rollback', 'promote']);
    assert.deepEqual(entries.slice(0, 2).map((e) => e.subject).sort(), ['champion', 'previous']);
    assert.equal(entries.find((e) => e.subject === 'champion')?.to, '1');
    const all = await models('history', 'spam');
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^ID\s+AT\s+ACTOR\s+ACTION\s+SUBJECT\s+FROM\s+TO$/m);
    assert.match(all.stdout, /\smodel\.create\s/);
  });

  it('fails with the server\'s error and exit 1 when the bytes do not match --sha256', async () => {
    const result = await models('push', HEAVY_ONNX, '--model', 'spam', '--sha256', '0'.repeat(64));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^umbral: .+ \(UMBRAL_ERR_ARTIFACT_HASH_MISMATCH\)\n$/);
    assert.equal((await json<ModelDoc>('show', 'spam')).latestVersion, 2, 'nothing registered');
  });

  it('prints the server\'s error for an unknown model, and a hint to create it', async () => {
    const result = await models('push', ECHO_ONNX, '--model', 'nobody');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^umbral: .+ \(UMBRAL_ERR_MODEL_NOT_FOUND\)\numbral: pass --create/);
    assert.equal((await models('promote', 'echo')).stderr.trim().split('\n').length, 1, 'no challenger: one error line');
  });

  it('says when the server cannot be reached', async () => {
    const port = await closedPort();
    const result = await runCli(['models', 'list', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^umbral: cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('exits 2 with one line for bad usage', async () => {
    for (const args of [['models', 'show'], ['models', 'list', '--colour'], ['models', 'push', SPAM_DIR], ['models', 'list', '--url', 'nowhere']]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^umbral: /);
    }
  });

  it('lists every models command in --help', async () => {
    const help = await runCli(['--help']);
    for (const command of ['push DIR|FILE --model M', 'list', 'show M', 'alias M ALIAS VERSION', 'promote M', 'rollback M', 'history M [--limit N]']) {
      assert.ok(help.stdout.includes(`umbral models ${command}`), command);
    }
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
