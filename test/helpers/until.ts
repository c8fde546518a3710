import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `condition` holds: checked on every turn of the event loop, or every `everyMs`
 * milliseconds for a condition that asks a server. Tests bound it with their own timeout.
 */
export async function until(condition: () => boolean | Promise<boolean>, everyMs = 0): Promise<void> {
  while (!(await condition())) await (everyMs === 0 ? new Promise((resolve) => setImmediate(resolve)) : sleep(everyMs));
}
