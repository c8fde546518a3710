import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { deriveSecretKey } from './secret-box.js';

/** The generated key's file in the data directory. */
export const KEY_FILE = 'notifications.key';

export interface SecretKeyOptions {
  /** `notifications.secretKey`; empty = the data directory's generated key. */
  readonly configured: string;
  readonly dataDir: string;
  /** Whether other processes share the database (PostgreSQL): they must share the key too. */
  readonly shared: boolean;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
}

/**
 * The key that seals channel secrets: the configured one, else one generated on first use into
 * `<dataDir>/notifications.key` (mode 0600; created exclusively, so processes starting together
 * agree on one). A generated key suits one process on the embedded store; replicas on PostgreSQL
 * each have their own data directory, so they are warned to configure one shared key.
 */
export function loadSecretKey(options: SecretKeyOptions): Buffer {
  if (options.configured !== '') return deriveSecretKey(options.configured);
  const file = join(options.dataDir, KEY_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  let text: string;
  try {
    text = randomBytes(32).toString('hex');
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
    options.logger.info({ file }, 'generated the key that encrypts notification channel secrets');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    chmodSync(file, 0o600);
    text = readFileSync(file, 'utf8').trim();
  }
  if (options.shared) {
    options.logger.warn({ file },
      'notifications.secretKey (UMBRAL_NOTIFICATIONS_SECRET_KEY) is not set: channel secrets are encrypted with this data directory\'s key; '
      + 'replicas on one PostgreSQL must share one key, or those with another cannot send to channels they did not create');
  }
  return deriveSecretKey(text);
}
