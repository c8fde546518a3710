import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { eventJson } from '../render-message.js';
import type { ChannelDriver } from './channel-driver.js';
import { checkChannelConfig } from './check-config.js';
import { httpUrlProblems, postJson } from './http-post.js';

const MIN_SECRET = 16;

const configSchema = z.object({
  url: z.string().refine((url) => httpUrlProblems('url', url).length === 0, 'must be an http(s) URL'),
}).strict();

/**
 * A generic signed webhook: POST the event as JSON to `url`, with `x-umbral-timestamp` (unix
 * seconds) and `x-umbral-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`; the
 * receiver checks the signature and refuses timestamps older than 5 minutes (replay window,
 * docs/guides/notifications.md). `Idempotency-Key` is the same on every try.
 */
export const webhookChannel: ChannelDriver = {
  check: (config, secret) => checkChannelConfig(configSchema, config, secret,
    (key) => (typeof key === 'string' && key.length >= MIN_SECRET ? [] : [`secret: the HMAC signing key, at least ${MIN_SECRET} characters`])),
  async send({ event, idempotencyKey }, { config, secret }, { timeoutMs }) {
    const body = JSON.stringify(eventJson(event));
    const timestamp = String(Math.floor(Date.now() / 1000));
    await postJson(String(config.url), body, {
      'x-umbral-timestamp': timestamp,
      'x-umbral-signature': `v1=${signWebhook(String(secret), timestamp, body)}`,
      'x-umbral-event': event.type,
      'idempotency-key': idempotencyKey,
    }, timeoutMs);
  },
};

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
