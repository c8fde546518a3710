import assert from 'node:assert/strict';
import { once } from 'node:events';
import { cpSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { runCli, serveCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';

/** Text no log line may hold: a prompt (the request's payload) and a credential. */
const PROMPT = 'my-confidential-prompt-4711';
const TOKEN = 'sk-never-logged-0815';
const SPAM = JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [PROMPT] }] });

/** A model repository with spam-classifier alone: a quick start. */
function spamRepository(): string {
  const repo = testTempDir('umbral-log-models-');
  cpSync(join(BUNDLED_MODELS_DIR, 'spam-classifier'), join(repo, 'spam-classifier'), { recursive: true });
  return repo;
}

async function infer(url: string): Promise<void> {
  const response = await fetch(`${url}/v2/models/spam-classifier/infer`, {
    method: 'POST', body: SPAM, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-api-key': TOKEN },
  });
  await response.text();
}

/** Each line of `text` as JSON: throws on a line that is not. */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('log file (log.file)', () => {
  it('writes the JSON lines to files rotated by size, keeps log.fileKeep of them, never a prompt or a credential, and its last line before the process exits', async () => {
    const dir = testTempDir('umbral-logs-');
    const { child, url, output } = await serveCli(['--models', spamRepository()], {
      UMBRAL_LOG_FILE: join(dir, 'umbral.log'), UMBRAL_LOG_FILE_MAX_BYTES: '2048', UMBRAL_LOG_FILE_KEEP: '3', UMBRAL_LOG_FILE_ROTATE: 'off',
    });
    const exited = once(child, 'exit');
    // About 400 bytes a request line: 40 requests fill 2 KiB files several times over.
    for (let request = 0; request < 40; request++) await infer(url);
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, output());

    const files = readdirSync(dir).filter((name) => /^umbral\.\d+\.log$/.test(name))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    assert.ok(files.length >= 2, `rotated into several files: ${readdirSync(dir).join(', ')}`);
    // The removal after the last rotation may still be under way when the process exits: one more file.
    assert.ok(files.length <= 3 + 1, `log.fileKeep (3) files kept: ${files.join(', ')}`);
    assert.ok(Number(files[0]?.split('.')[1]) > 1, `the oldest files were removed: ${files.join(', ')}`);
    assert.equal(readlinkSync(join(dir, 'current.log')), files.at(-1), 'current.log links to the file being written');

    for (const name of files) assert.equal(statSync(join(dir, name)).mode & 0o007, 0, `${name}: others may not read the log`);
    const texts = files.map((name) => readFileSync(join(dir, name), 'utf8'));
    const lines = texts.flatMap(jsonLines);
    assert.ok(lines.filter((line) => line.route === '/v2/models/:model/infer').length >= 5, 'request lines in the files');
    assert.equal(lines.at(-1)?.msg, 'shutdown complete', 'the last line is written before the process exits');
    for (const text of texts) {
      assert.ok(!text.includes(PROMPT), 'no payload in the log file');
      assert.ok(!text.includes(TOKEN), 'no credential in the log file');
    }
    const stdout = jsonLines(output().split('\n').filter((line) => line.startsWith('{')).join('\n'));
    assert.ok(stdout.some((line) => line.msg === 'shutdown complete'), 'standard output still gets every line');
  });

  it('leaves standard output the only log when no file is set', async () => {
    const { child, url, output } = await serveCli(['--models', spamRepository()], {});
    const exited = once(child, 'exit');
    await infer(url);
    child.kill('SIGTERM');
    assert.equal((await exited)[0], 0, output());
    const lines = jsonLines(output().split('\n').filter((line) => line.startsWith('{')).join('\n'));
    assert.ok(lines.some((line) => line.route === '/v2/models/:model/infer' && line.status === 200), output());
    assert.ok(!output().includes(PROMPT) && !output().includes(TOKEN), 'no payload or credential on standard output');
  });

  it('refuses to start when the log file cannot be opened, saying which', async () => {
    const notADirectory = join(testTempDir('umbral-logs-bad-'), 'a-file');
    writeFileSync(notADirectory, '');
    const result = await runCli(['serve', '--port', '0', '--models', spamRepository()], { UMBRAL_LOG_FILE: join(notADirectory, 'umbral.log') });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /log file .*a-file\/umbral\.log: (EEXIST|ENOTDIR)/);
  });

  it('checks the settings once, listing every problem', () => {
    assert.throws(() => loadConfig({ env: { UMBRAL_LOG_FILE: '/var/log/umbral/', UMBRAL_LOG_FILE_MAX_BYTES: '100', UMBRAL_LOG_FILE_ROTATE: 'weekly' } }), (error: Error) => {
      assert.match(error.message, /log\.file \(from UMBRAL_LOG_FILE\): a file path, not a directory/);
      assert.match(error.message, /log\.fileMaxBytes \(from UMBRAL_LOG_FILE_MAX_BYTES\)/);
      assert.match(error.message, /log\.fileRotate \(from UMBRAL_LOG_FILE_ROTATE\)/);
      return true;
    });
    assert.throws(
      () => loadConfig({ env: { UMBRAL_LOG_FILE: '/var/log/umbral/umbral.log', UMBRAL_WORKERS: '2', DATABASE_URL: 'postgres://db/umbral' } }),
      /log\.file \(UMBRAL_LOG_FILE\): one file cannot be rotated by 2 worker processes/,
    );
    const config = loadConfig({ env: {} });
    assert.equal(config.log.file, '', 'standard output only by default');
  });
});
