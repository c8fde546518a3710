import type { ChannelDriver, ChannelKind } from './channel-driver.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { slackChannel } from './slack.js';
import { telegramChannel } from './telegram.js';
import { webhookChannel } from './webhook.js';

/** Every channel kind's driver; the compiler keeps it complete. */
export const CHANNEL_DRIVERS: Readonly<Record<ChannelKind, ChannelDriver>> = {
  slack: slackChannel,
  discord: discordChannel,
  telegram: telegramChannel,
  email: emailChannel,
  webhook: webhookChannel,
};
