import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { lockDataDir } from './data-dir-lock.js';
import { testTempDir } from '../../test/helpers/temp-dir.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = testTempDir('umbral-lock-');
  dirs.push(dir);
  return dir;
}
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs a child process that tries to lock `dir` and prints the error code, or `locked`. */
async function lockInChild(dir: string): Promise<string> {
  const module = new URL('./data-dir-lock.js', import.meta.url).href;
  const script = `import { lockDataDir } from ${JSON.stringify(module)};
    try { lockDataDir(process.argv[1]); console.log('locked'); } catch (e) { console.log(e.code + ' ' + e.message); }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, dir]);
  return stdout.trim();
}

/** A pid that ran and has exited, so no process has it now (barring reuse within the test). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  assert.ok(child.pid);
  return child.pid;
}

describe('lockDataDir', () => {
  it('writes the pid and host into the lock file and removes it on release', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    assert.equal(readFileSync(lock.path, 'utf8'), `${process.pid} ${hostname()}\n`);
    lock.release();
    assert.equal(existsSync(lock.path), false);
    lock.release();
  });

  it('refuses a second lock in the same process, naming the holder', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    assert.throws(() => lockDataDir(dir), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'UMBRAL_ERR_STORE_LOCKED');
      assert.match(error.message, new RegExp(`pid ${process.pid}, this process`));
      return true;
    });
    assert.throws(() => lockDataDir(relative(process.cwd(), dir)), { code: 'UMBRAL_ERR_STORE_LOCKED' }, 'another spelling of the same directory');
    lock.release();
    lockDataDir(dir).release();
  });

  it('refuses a lock from a child process while held, and grants it after release', async () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    assert.match(await lockInChild(dir), new RegExp(`^UMBRAL_ERR_STORE_LOCKED .*pid ${process.pid}\\)`));
    lock.release();
    assert.equal(await lockInChild(dir), 'locked');
    assert.equal(existsSync(join(dir, 'umbral.lock')), false, 'the child released its lock on exit');
  });

  it('takes over a lock left by a process that has died', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeFileSync(join(dir, 'umbral.lock'), `${pid} ${hostname()}\n`);
    const lock = lockDataDir(dir);
    assert.equal(readFileSync(lock.path, 'utf8'), `${process.pid} ${hostname()}\n`);
    lock.release();
  });

  it('takes over an empty lock file (its creator died before writing)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'umbral.lock'), '');
    lockDataDir(dir).release();
  });

  it('takes over a lock naming its own pid that it does not hold (a restarted container, pid 1 again)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'umbral.lock'), `${process.pid} ${hostname()}\n`);
    lockDataDir(dir).release();
  });

  it('treats a lock from another host as held, saying how to clear it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'umbral.lock'), `1 not-${hostname()}\n`);
    assert.throws(() => lockDataDir(dir), /pid 1 on host not-.*; if that host is gone, delete .*umbral\.lock/);
  });
});
