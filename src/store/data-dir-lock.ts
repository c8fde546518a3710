import { closeSync, linkSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Errors } from '../errors/catalogue.js';

/** An exclusive claim on a data directory, held until released or the process exits. */
export interface DataDirLock {
  /** The lock file (`<dir>/umbral.lock`). */
  readonly path: string;
  /** Removes the lock file; calling it again does nothing. */
  release(): void;
}

const LOCK_FILE = 'umbral.lock';
const TAKEOVER_ATTEMPTS = 3;
/** Lock files this process holds: a file naming our pid but not listed here is a previous life's. */
const heldHere = new Set<string>();

/**
 * Claims `dir` for this process: an exclusive lock file holding `pid host`, so a second umbral on
 * the same directory (in this process or another) fails with UMBRAL_ERR_STORE_LOCKED instead of
 * opening the embedded database twice and corrupting it. A lock left by a process that died
 * without releasing it (its pid no longer runs on this host, or is ours but not held by us) is
 * taken over. The directory must exist.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(realpathSync(dir), LOCK_FILE); // one spelling, so `heldHere` recognises it
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (tryCreate(path)) return held(path);
    const holder = readHolder(path);
    if (holder === undefined) continue; // released between our create and our read
    if (isAlive(holder, path)) throw Errors.storeLocked(dir, describe(holder, path));
    removeStale(path, holder, dir);
  }
  throw Errors.storeLocked(dir, 'another process is taking the lock over at the same time');
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  /** The file's exact text, to recognise it again after moving it aside. */
  readonly text: string;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid} ${hostname()}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function held(path: string): DataDirLock {
  let released = false;
  heldHere.add(path);
  const release = (): void => {
    if (released) return;
    released = true;
    heldHere.delete(path);
    process.removeListener('exit', release);
    try {
      unlinkSync(path);
    } catch {
      // Already gone (removed by hand): nothing left to release.
    }
  };
  process.on('exit', release);
  return { path, release };
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [pid, host] = text.trim().split(/\s+/);
  // A half-written file (its creator died before writing) reads as pid 0: stale.
  return { pid: Number(pid) || 0, host: host ?? '', text };
}

function isAlive({ pid, host }: Holder, path: string): boolean {
  // A pid names a process only on its own host: a lock from another host is assumed live.
  if (host !== '' && host !== hostname()) return true;
  if (pid <= 0) return false;
  // In a restarted container the new process often gets the dead one's pid (1).
  if (pid === process.pid) return heldHere.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe({ pid, host }: Holder, path: string): string {
  if (host !== '' && host !== hostname()) return `pid ${pid} on host ${host}; if that host is gone, delete ${path}`;
  return pid === process.pid ? `pid ${pid}, this process` : `pid ${pid}`;
}

/**
 * Moves the stale file aside before deleting it: if another process took the lock over between
 * our read and the move, we moved *its* live lock, so we put it back (link fails rather than
 * overwrite a newer lock) and report it as the holder.
 */
function removeStale(path: string, stale: Holder, dir: string): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved !== undefined && moved.text !== stale.text && isAlive(moved, path)) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process holds the lock now; the one we moved is reported all the same.
    }
    unlinkSync(aside);
    throw Errors.storeLocked(dir, describe(moved, path));
  }
  unlinkSync(aside);
}
