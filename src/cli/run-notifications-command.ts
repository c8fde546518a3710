import { channelSecretEnvironment, loadClientConfig } from '../config/client-config.js';
import { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';
import type { NotificationsCommand } from './parse-notifications-args.js';

const P = '/admin/notifications';
const TEST_WAIT_MS = 20_000;

interface ChannelJson { name?: string; kind?: string; config?: unknown; secret?: string; createdBy?: string }
interface RuleJson { id?: string; events?: string[]; model?: string; channel?: string }
interface DeliveryJson { id?: string; channel?: string; status?: string; attempts?: number; lastError?: string | null; event?: { type?: string; model?: string | null; summary?: string; at?: string } }

/**
 * Runs one `umbral notifications …` command against the server's admin API. `channels add` takes
 * the channel's secret from UMBRAL_CHANNEL_SECRET; `test` waits for the test message's delivery and
 * exits 1 unless it was delivered.
 */
export async function runNotificationsCommand(command: NotificationsCommand, stdout: (text: string) => void, secret = channelSecretEnvironment()): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const { action, json } = command;
  const show = (document: unknown, render: () => string) => stdout(json ? JSON.stringify(document, null, 2) : render());
  switch (action.name) {
    case 'channels list': {
      const document = await client.json('GET', `${P}/channels`) as { channels?: ChannelJson[] };
      show(document, () => channelTable(document.channels ?? []));
      return 0;
    }
    case 'channels add': {
      const created = await client.json('POST', `${P}/channels`, { ...action.channel, ...(secret === undefined ? {} : { secret }) }) as ChannelJson;
      show(created, () => channelTable([created]));
      return 0;
    }
    case 'channels remove':
      await client.json('DELETE', `${P}/channels/${encodeURIComponent(action.channel)}`);
      if (!json) stdout(`removed channel ${action.channel}, its rules and its delivery history`);
      return 0;
    case 'rules list': {
      const document = await client.json('GET', `${P}/rules`) as { rules?: RuleJson[] };
      show(document, () => ruleTable(document.rules ?? []));
      return 0;
    }
    case 'rules add': {
      const created = await client.json('POST', `${P}/rules`, action.rule) as RuleJson;
      show(created, () => ruleTable([created]));
      return 0;
    }
    case 'rules remove':
      await client.json('DELETE', `${P}/rules/${encodeURIComponent(action.id)}`);
      if (!json) stdout(`removed rule ${action.id}`);
      return 0;
    case 'deliveries': {
      const document = await client.json('GET', `${P}/deliveries${action.query ? `?${action.query}` : ''}`) as { deliveries?: DeliveryJson[] };
      show(document, () => deliveryTable(document.deliveries ?? []));
      return 0;
    }
    case 'test': {
      let delivery = await client.json('POST', `${P}/channels/${encodeURIComponent(action.channel)}/test`) as DeliveryJson;
      const deadline = Date.now() + TEST_WAIT_MS;
      while (delivery.status === 'pending' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        delivery = await client.json('GET', `${P}/deliveries/${encodeURIComponent(String(delivery.id))}`) as DeliveryJson;
      }
      show(delivery, () => deliveryTable([delivery]));
      return delivery.status === 'delivered' ? 0 : 1;
    }
  }
}

function channelTable(channels: readonly ChannelJson[]): string {
  if (channels.length === 0) return 'no channels';
  return formatTable(channels.map((c) => [c.name ?? '', c.kind ?? '', JSON.stringify(c.config ?? {}), c.secret ?? '']), ['NAME', 'KIND', 'CONFIG', 'SECRET']);
}

function ruleTable(rules: readonly RuleJson[]): string {
  if (rules.length === 0) return 'no rules';
  return formatTable(rules.map((r) => [r.id ?? '', (r.events ?? []).join(','), r.model ?? '', r.channel ?? '']), ['ID', 'EVENTS', 'MODEL', 'CHANNEL']);
}

function deliveryTable(deliveries: readonly DeliveryJson[]): string {
  if (deliveries.length === 0) return 'no deliveries';
  return formatTable(deliveries.map((d) => [
    d.id ?? '', d.event?.at ?? '', d.event?.type ?? '', d.event?.model ?? '', d.channel ?? '', d.status ?? '', String(d.attempts ?? ''), d.lastError ?? '',
  ]), ['ID', 'EVENT AT', 'TYPE', 'MODEL', 'CHANNEL', 'STATUS', 'TRIES', 'LAST ERROR']);
}
