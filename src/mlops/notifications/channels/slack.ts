import { z } from 'zod';
import { eventText, eventTitle, truncate } from '../render-message.js';
import type { ChannelDriver } from './channel-driver.js';
import { checkChannelConfig } from './check-config.js';
import { httpUrlProblems, postJson } from './http-post.js';

/** Slack's limit on a section block's text. */
const MAX_SECTION = 3000;

/**
 * Slack incoming webhook (https://api.slack.com/messaging/webhooks): POST `{text, blocks}` to the
 * webhook URL, which is the secret; Slack answers 200 `ok`. `text` is the notification's fallback.
 */
export const slackChannel: ChannelDriver = {
  check: (config, secret) => checkChannelConfig(z.object({}).strict(), config, secret, (url) => httpUrlProblems('secret (the incoming webhook URL)', url)),
  async send({ event, idempotencyKey }, { secret }, { timeoutMs }) {
    const body = {
      text: truncate(`${eventTitle(event)} — ${event.summary}`, MAX_SECTION),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: truncate(eventTitle(event), 150) } },
        { type: 'section', text: { type: 'plain_text', text: truncate(eventText(event), MAX_SECTION) } },
      ],
    };
    await postJson(String(secret), JSON.stringify(body), { 'idempotency-key': idempotencyKey }, timeoutMs);
  },
};
