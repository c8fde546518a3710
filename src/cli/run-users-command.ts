import { createInterface } from 'node:readline';
import { loadClientConfig } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { AdminClient } from './admin-client.js';
import type { UsersAction, UsersCommand } from './parse-access-args.js';
import { renderUser, renderUserList, type UserJson } from './render-access.js';

/** What a users command reads and writes: its result on stdout; where `create` finds the password. */
export interface UsersIo {
  stdout(text: string): void;
  /** The environment, where `create` looks first for `UMBRAL_NEW_PASSWORD`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where `create` reads the password (its first line) when the environment has none and it is not a terminal. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

/** What an action got from the server, and how to show it to people. */
interface Outcome {
  /** The server's JSON document, printed as-is with `--json`. */
  readonly document: unknown;
  readonly render: () => string;
}

/**
 * Runs one `umbral users …` command against the server's admin API and prints the outcome. The
 * password of a new user never comes from a flag (other users of the machine see flags in `ps`).
 * A missing password throws UMBRAL_ERR_USAGE (exit 2) before anything is sent; failures of the
 * request throw a ClientError (exit 1).
 */
export async function runUsersCommand(command: UsersCommand, io: UsersIo): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const outcome = await perform(client, command.action, io);
  io.stdout(command.json ? JSON.stringify(outcome.document, null, 2) : outcome.render());
  return 0;
}

async function perform(client: AdminClient, action: UsersAction, io: UsersIo): Promise<Outcome> {
  if (action.name === 'list') {
    const document = await client.json('GET', '/admin/users') as { users?: UserJson[] } | undefined;
    return { document, render: () => renderUserList(document?.users ?? []) };
  }
  const user = await changeUser(client, action, io) as UserJson;
  return { document: user, render: () => renderUser(user) };
}

/** Every action but `list` answers the user as it is afterwards. */
async function changeUser(client: AdminClient, action: Exclude<UsersAction, { name: 'list' }>, io: UsersIo): Promise<unknown> {
  switch (action.name) {
    case 'create': {
      const password = await newPassword(io);
      return client.json('POST', '/admin/users', { username: action.username, password, role: action.role });
    }
    case 'set-role': return client.json('PUT', userPath(action.username, 'role'), { role: action.role });
    case 'disable': case 'enable': return client.json('POST', userPath(action.username, action.name));
  }
}

async function newPassword(io: UsersIo): Promise<string> {
  const fromEnv = io.env.UMBRAL_NEW_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (io.stdin.isTTY === true) {
    throw Errors.usage('users create reads the password from UMBRAL_NEW_PASSWORD or from stdin when piped, never from a flag; set one');
  }
  const line = await firstLine(io.stdin);
  if (line === '') throw Errors.usage('users create: no password: the first line of stdin is empty and UMBRAL_NEW_PASSWORD is not set');
  return line;
}

/** The first line, without its line break; reads no further, so a pipe that stays open does not hang. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

function userPath(username: string, action: string): string {
  return `/admin/users/${encodeURIComponent(username)}/${action}`;
}
