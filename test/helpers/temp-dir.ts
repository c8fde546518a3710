import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
let hooked = false;

/**
 * A fresh directory under the system's temp directory, removed when this test process exits: data
 * directories of embedded databases are tens of megabytes each, and a suite makes hundreds of them.
 */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', removeAll);
  }
  return dir;
}

/** Removes the directories made so far (a server that has been shut down no longer needs its own). */
export function removeTestTempDirs(dirs: readonly string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

function removeAll(): void {
  removeTestTempDirs(created.splice(0));
}
