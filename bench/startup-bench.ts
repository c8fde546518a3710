import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_MODELS } from './bench-repository.js';
import type { Children } from './children.js';
import type { StoreMemoryResult } from './messages.js';
import { timeStart, type TimedStart } from './timed-start.js';

/** Starts after the first one, on the data directory it created. */
const EXISTING_STARTS = 2;
/** Store opens in a child of their own, on the same directory. */
const STORE_OPENS = 3;
const STORE_OPEN_TIMEOUT_MS = 60_000;

export interface StartupResults {
  /** The first start: the data directory does not exist yet (initdb in a child, then the open). */
  readonly first: TimedStart;
  /** Later starts on the directory the first one made. */
  readonly existing: readonly TimedStart[];
  /** `openDatabase()` alone on that directory, each in a fresh process. */
  readonly storeOpens: readonly StoreMemoryResult[];
}

/**
 * Start-up of the server with the embedded store (PGlite), on a model repository holding only
 * spam-classifier: a first start with a new data directory, then starts with the existing one; then
 * the resident memory the store adds, from processes that do nothing but open it. Runs before
 * anything else, on a quiet machine.
 */
export async function benchStartup(children: Children, root: string): Promise<StartupResults> {
  const temp = mkdtempSync(join(tmpdir(), 'umbral-bench-startup-'));
  try {
    const modelsDir = join(temp, 'models');
    mkdirSync(modelsDir);
    cpSync(join(root, 'models', BENCH_MODELS.spam), join(modelsDir, BENCH_MODELS.spam), { recursive: true });
    const options = { root, modelsDir, dataDir: join(temp, 'data'), workDir: temp };
    const start = async (label: string): Promise<TimedStart> => {
      console.error(`start-up: ${label}`);
      return timeStart(children, options);
    };
    const first = await start('new data directory');
    const existing: TimedStart[] = [];
    for (let k = 0; k < EXISTING_STARTS; k++) existing.push(await start('existing data directory'));
    const storeOpens: StoreMemoryResult[] = [];
    for (let k = 0; k < STORE_OPENS; k++) {
      console.error('start-up: the store alone');
      const job = await children.run<StoreMemoryResult>('./store-memory.js', { kind: 'store-memory', dataDir: options.dataDir }, STORE_OPEN_TIMEOUT_MS);
      storeOpens.push(job.reply);
    }
    return { first, existing, storeOpens };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
