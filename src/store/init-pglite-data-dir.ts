import { execFile } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Errors } from '../errors/catalogue.js';

const INIT_SCRIPT = `
const [module, dir, params] = process.argv.slice(1);
const { PGlite } = await import(module);
const db = await PGlite.create(dir, { startParams: JSON.parse(params) });
await db.close();
`;

/**
 * Creates the embedded database in `pgdata` unless it exists (the caller holds the directory's lock).
 *
 * initdb runs in a child process: in-process it leaves the server ~630-770 MB larger (a second
 * WebAssembly PostgreSQL for the bootstrap, the tar of the new directory), kept until a major GC
 * and then only partly handed back to the OS. In a child it costs the server nothing; the server
 * then opens the directory like any existing one (~0.4 s more, on the very first start only). The child writes into a scratch directory renamed into place when complete,
 * so a start interrupted half-way leaves no half-made database behind.
 */
export async function initPgliteDataDir(pgdata: string, startParams: readonly string[]): Promise<void> {
  if (existsSync(join(pgdata, 'PG_VERSION'))) return;
  if (existsSync(pgdata)) {
    throw Errors.storeUnavailable(`${pgdata} exists but holds no PostgreSQL database; move it away`);
  }
  const scratch = `${pgdata}.init`;
  rmSync(scratch, { recursive: true, force: true }); // left by an interrupted first start
  const module = import.meta.resolve('@electric-sql/pglite');
  try {
    await promisify(execFile)(process.execPath,
      ['--input-type=module', '-e', INIT_SCRIPT, module, scratch, JSON.stringify(startParams)],
      { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw Errors.storeUnavailable(`creating the embedded database in ${pgdata} failed: ${stderr || (error as Error).message}`);
  }
  renameSync(scratch, pgdata);
}
