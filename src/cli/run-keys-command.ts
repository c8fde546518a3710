import { loadClientConfig } from '../config/client-config.js';
import { AdminClient } from './admin-client.js';
import { ClientError } from './client-error.js';
import type { KeysCommand, NewKey } from './parse-access-args.js';
import {
  KEY_SHOWN_ONCE, renderKeyDetails, renderKeyList, renderKeyRevoked, type CreatedKeyJson, type KeyJson,
} from './render-access.js';

/** Where a keys command writes: its result on stdout, warnings and details for people on stderr. */
export interface KeysOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Runs one `umbral keys …` command against the server's admin API and prints the outcome. `create`
 * prints the new key alone on stdout (so that `KEY=$(umbral keys create …)` captures it) and the
 * warning and the key's details on stderr. Failures throw a ClientError (exit 1).
 */
export async function runKeysCommand(command: KeysCommand, output: KeysOutput): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const { action, json } = command;
  switch (action.name) {
    case 'create':
      await createKey(client, action.key, json, output);
      break;
    case 'list': {
      const document = await client.json('GET', '/admin/keys') as { keys?: KeyJson[] } | undefined;
      output.stdout(json ? JSON.stringify(document, null, 2) : renderKeyList(document?.keys ?? []));
      break;
    }
    case 'revoke':
      await client.json('DELETE', `/admin/keys/${encodeURIComponent(action.id)}`);
      // The server answers 204 without a document; with --json the exit status alone says it worked.
      if (!json) output.stdout(renderKeyRevoked(action.id));
      break;
  }
  return 0;
}

async function createKey(client: AdminClient, key: NewKey, json: boolean, output: KeysOutput): Promise<void> {
  const created = await client.json('POST', '/admin/keys', key) as CreatedKeyJson | undefined;
  if (typeof created?.key !== 'string' || created.key === '') {
    throw new ClientError(`the server's answer holds no key${created?.id === undefined ? '' : ` (id ${created.id})`}; revoke it and create another`, undefined);
  }
  if (json) {
    output.stdout(JSON.stringify(created, null, 2));
    output.stderr(KEY_SHOWN_ONCE);
  } else {
    output.stdout(created.key);
    output.stderr(`${KEY_SHOWN_ONCE}\n${renderKeyDetails(created)}`);
  }
}
