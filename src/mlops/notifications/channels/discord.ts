import { z } from 'zod';
import { eventTitle, truncate } from '../render-message.js';
import type { ChannelDriver } from './channel-driver.js';
import { checkChannelConfig } from './check-config.js';
import { httpUrlProblems, postJson } from './http-post.js';

/**
 * Discord webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook): POST
 * `{content, embeds, allowed_mentions}` to the webhook URL, which is the secret; Discord answers
 * 204. Mentions are off, so no text in an event can ping anyone.
 */
export const discordChannel: ChannelDriver = {
  check: (config, secret) => checkChannelConfig(z.object({}).strict(), config, secret, (url) => httpUrlProblems('secret (the webhook URL)', url)),
  async send({ event, idempotencyKey }, { secret }, { timeoutMs }) {
    const fields = [['model', event.model], ['version', event.version]]
      .filter((field): field is [string, string] => field[1] !== null)
      .map(([name, value]) => ({ name, value: truncate(value, 1024), inline: true }));
    const body = {
      content: truncate(event.summary, 2000),
      embeds: [{ title: truncate(eventTitle(event), 256), description: truncate(event.summary, 4096), timestamp: event.at.toISOString(), fields, footer: { text: `umbral event #${event.id}` } }],
      allowed_mentions: { parse: [] },
    };
    await postJson(String(secret), JSON.stringify(body), { 'idempotency-key': idempotencyKey }, timeoutMs);
  },
};
