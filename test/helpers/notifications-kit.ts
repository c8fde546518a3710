import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load-config.js';
import { openNotifications, type Notifications } from '../../src/mlops/notifications/open-notifications.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Database } from '../../src/store/database.js';
import { testTempDir } from './temp-dir.js';

/** Settings that make retries quick in tests. */
export const FAST = {
  'notifications.pollIntervalMs': 200, 'notifications.backoffMinMs': 20, 'notifications.backoffMaxMs': 100,
  'notifications.sendTimeoutMs': 2_000, 'notifications.maxAttempts': 50,
};

/** Notifications opened on `db`, with their log lines captured. */
export async function openTestNotifications(db: Database, overrides: Record<string, unknown> = {}): Promise<{ notifications: Notifications; logLines: string[] }> {
  const config = loadConfig({ env: {}, overrides: { ...FAST, 'log.level': 'debug', ...overrides } });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const notifications = await openNotifications({ db, config: config.notifications, dataDir: testTempDir('umbral-notify-key-'), logger: createLogger(config, sink) });
  return { notifications, logLines };
}

/**
 * The webhook receiver's check, as docs/guides/notifications.md gives it: the signature over
 * `<timestamp>.<body>`, and a timestamp at most 5 minutes old.
 */
export function verifyUmbralWebhook(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['x-umbral-timestamp'] ?? '');
  const signature = String(headers['x-umbral-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
