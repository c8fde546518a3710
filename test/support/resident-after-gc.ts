import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Resident memory after a full garbage collection, for tests that check a leak: garbage not yet
 * collected is noise the size of a leak on a busy machine. (`gc` is reachable without --expose-gc
 * by setting the flag and taking the function from a fresh context.)
 */
export function residentAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().rss;
}
