import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ModelHost } from '../inference/model-host.js';
import type { Database } from '../store/database.js';
import { heldUpstreams } from './held-upstreams.js';

/**
 * Notification channel of run-time server lists (`PUT /admin/models/{m}/servers`), payload
 * `{"model", "servers", "origin"}`: every other process (replica or worker) applies the list to its
 * loaded versions of the model, so that all of them send to the same servers.
 */
export const SERVERS_CHANNEL = 'umbral_servers';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

export interface ServerListSync {
  /** Tells every other process to use `servers` for `model`; false when the list is too long to send. */
  announce(model: string, servers: readonly string[]): Promise<boolean>;
  close(): Promise<void>;
}

/** Listens for other processes' server-list changes and applies them here. */
export async function syncServerLists(deps: { db: Pick<Database, 'listen' | 'notify'>; host: Pick<ModelHost, 'list'>; logger: Logger }): Promise<ServerListSync> {
  const { db, host, logger } = deps;
  const origin = randomUUID();
  const stop = await db.listen(SERVERS_CHANNEL, (payload) => {
    const change = parseChange(payload);
    if (!change || change.origin === origin) return;
    for (const { version, control } of heldUpstreams(host).filter((held) => held.model === change.model)) {
      try {
        control.setServers(change.servers);
        logger.info({ model: change.model, version, servers: change.servers.length }, 'upstream servers changed through another process');
      } catch (error) {
        logger.warn({ err: error, model: change.model, version }, 'a server list announced by another process does not apply here');
      }
    }
  });
  return {
    async announce(model, servers) {
      const payload = JSON.stringify({ model, servers, origin });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) return false;
      await db.notify(SERVERS_CHANNEL, payload);
      return true;
    },
    close: stop,
  };
}

function parseChange(payload: string): { model: string; servers: string[]; origin: string } | undefined {
  try {
    const change = JSON.parse(payload) as { model?: unknown; servers?: unknown; origin?: unknown };
    const { model, servers, origin } = change;
    if (typeof model !== 'string' || typeof origin !== 'string' || !Array.isArray(servers) || !servers.every((s) => typeof s === 'string')) return undefined;
    return { model, servers: servers as string[], origin };
  } catch {
    return undefined;
  }
}
