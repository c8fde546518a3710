import type { SecretBox } from './secret-box.js';

/** What binds a sealed secret to its channel: a sealed secret copied onto another channel does not open. */
export function secretContext(channel: { readonly name: string; readonly kind: string }): string {
  return `umbral-channel:${channel.kind}:${channel.name}`;
}

/** A channel's secret in clear (undefined when it has none); throws when it was sealed with another key. */
export function openSecret(box: SecretBox, channel: { readonly name: string; readonly kind: string; readonly secret: string | null }): string | undefined {
  return channel.secret === null ? undefined : box.open(channel.secret, secretContext(channel));
}
