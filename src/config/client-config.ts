import { Errors } from '../errors/catalogue.js';

/** Settings of the `umbral models …` client: which server to talk to and how to authenticate. */
export interface ClientConfig {
  /** Base URL of the server, without a trailing slash. */
  readonly url: string;
  /** API key sent as `Authorization: Bearer <key>`; undefined sends no Authorization header. */
  readonly apiKey: string | undefined;
}

/** Values given on the command line; each wins over its environment variable. */
export interface ClientFlags {
  /** `--url` (else `UMBRAL_URL`). */
  readonly url?: string;
  /** `--key` (else `UMBRAL_API_KEY`). */
  readonly key?: string;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/**
 * Builds the client's settings: a flag wins over its environment variable, which wins over the
 * default; an empty value counts as unset. A URL that is not http(s) throws UMBRAL_ERR_CONFIG_INVALID naming where it came from.
 * The key never appears in an error message.
 */
export function loadClientConfig(flags: ClientFlags = {}, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const [rawUrl, origin] = flags.url !== undefined ? [flags.url, '--url']
    : nonEmpty(env.UMBRAL_URL) !== undefined ? [env.UMBRAL_URL as string, 'UMBRAL_URL']
      : [DEFAULT_SERVER_URL, 'default'];
  const apiKey = nonEmpty(flags.key) ?? nonEmpty(env.UMBRAL_API_KEY);
  return Object.freeze({ url: checkUrl(rawUrl, origin), apiKey });
}

function checkUrl(raw: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw Errors.configInvalid([`url (from ${origin}): '${raw}' is not a URL; give one like ${DEFAULT_SERVER_URL}`]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw Errors.configInvalid([`url (from ${origin}): '${raw}' must start with http:// or https://`]);
  }
  if (url.search || url.hash) throw Errors.configInvalid([`url (from ${origin}): '${raw}' must not have a query or fragment`]);
  return url.href.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** `umbral users create` takes the new password from this variable (or stdin), never from a flag. */
export const NEW_PASSWORD_VARIABLE = 'UMBRAL_NEW_PASSWORD';

/** The client's environment as the users command reads it: only the new-password variable. */
export function newPasswordEnvironment(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string | undefined>> {
  return { [NEW_PASSWORD_VARIABLE]: env[NEW_PASSWORD_VARIABLE] };
}

/** Where `umbral notifications channels add` reads a channel's secret (never a flag: other users see flags). */
export const CHANNEL_SECRET_VARIABLE = 'UMBRAL_CHANNEL_SECRET';

/** The channel secret of `umbral notifications channels add`, from the environment. */
export function channelSecretEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[CHANNEL_SECRET_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}
