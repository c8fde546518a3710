import { z } from 'zod';
import { eventText, truncate } from '../render-message.js';
import { DeliveryFailure, type ChannelDriver } from './channel-driver.js';
import { checkChannelConfig } from './check-config.js';
import { httpUrlProblems, postJson } from './http-post.js';

const TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;

const configSchema = z.object({
  chat_id: z.union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{5,})$/, 'a numeric chat id or an @channelusername')]),
  api_url: z.string().default('https://api.telegram.org')
    .refine((url) => httpUrlProblems('api_url', url).length === 0, 'must be an http(s) URL'),
}).strict();

/**
 * Telegram Bot API sendMessage (https://core.telegram.org/bots/api#sendmessage): POST
 * `{api_url}/bot<token>/sendMessage` with `{chat_id, text}` (plain text, at most 4096 characters);
 * the bot token is the secret. The answer is `{"ok": true, …}`.
 */
export const telegramChannel: ChannelDriver = {
  check: (config, secret) => checkChannelConfig(configSchema, config, secret,
    (token) => (typeof token === 'string' && TOKEN.test(token) ? [] : ['secret: the bot token from @BotFather, `123456:ABC…`'])),
  async send({ event }, { config, secret }, { timeoutMs }) {
    const base = String(config.api_url).replace(/\/+$/, '');
    const answer = await postJson(`${base}/bot${String(secret)}/sendMessage`,
      JSON.stringify({ chat_id: config.chat_id, text: truncate(eventText(event), 4096) }), {}, timeoutMs);
    const parsed = safeJson(answer.text) as { ok?: unknown; description?: unknown } | undefined;
    if (parsed?.ok !== true) throw new DeliveryFailure(`answered ${answer.status} without ok: ${String(parsed?.description ?? answer.text.slice(0, 200))}`, true);
  },
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
