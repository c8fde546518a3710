import { z } from 'zod';
import { eventText, eventTitle, truncate } from '../render-message.js';
import { DeliveryFailure, type ChannelDriver } from './channel-driver.js';
import { checkChannelConfig } from './check-config.js';

const address = z.string().min(3).max(320).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an email address, name@example.com');

const configSchema = z.object({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(587),
  /** tls: TLS from the first byte (port 465); starttls: plain, then STARTTLS, required; none: no TLS (a local relay only). */
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  user: z.string().min(1).max(320).optional(),
  from: address,
  to: z.array(address).min(1).max(50),
}).strict();

/**
 * Email over SMTP with nodemailer (https://nodemailer.com/smtp/): one connection per message (a
 * notification is rare), the password as the secret. The Message-ID is `<idempotency key@umbral>`,
 * so a mail sent twice after a lost answer is one thread and mail filters can drop the repeat.
 * SMTP 5xx answers and refused logins are permanent; connection trouble and 4xx are tried again.
 */
export const emailChannel: ChannelDriver = {
  check(config, secret) {
    return checkChannelConfig(configSchema, config, secret, (password) => {
      const user = (config as { user?: unknown } | null)?.user;
      if (password !== undefined && user === undefined) return ['secret: a password needs config.user'];
      if (password === undefined && user !== undefined) return ['secret: config.user needs its password as the secret'];
      return [];
    });
  },
  async send({ event, idempotencyKey }, { config, secret }, { timeoutMs }) {
    const security = config.security as 'tls' | 'starttls' | 'none';
    // Loaded on the first mail, not at start: nodemailer takes a fifth of a second to import, and most servers never send one.
    const { createTransport } = await import('nodemailer');
    const transport = createTransport({
      host: String(config.host), port: Number(config.port),
      secure: security === 'tls', requireTLS: security === 'starttls', ignoreTLS: security === 'none',
      ...(typeof config.user === 'string' ? { auth: { user: config.user, pass: String(secret) } } : {}),
      connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
    });
    try {
      await transport.sendMail({
        from: String(config.from), to: config.to as string[],
        subject: truncate(`[umbral] ${eventTitle(event)}`, 200), text: eventText(event),
        messageId: `<${idempotencyKey}@umbral>`, headers: { 'Idempotency-Key': idempotencyKey, 'X-Umbral-Event': event.type },
      });
    } catch (error) {
      throw smtpFailure(error);
    } finally {
      transport.close();
    }
  },
};

function smtpFailure(error: unknown): DeliveryFailure {
  const { code, responseCode, message } = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const text = `${typeof code === 'string' ? `${code} ` : ''}${typeof message === 'string' ? message : String(error)}`;
  const permanent = code === 'EAUTH' || (typeof responseCode === 'number' && responseCode >= 500);
  return new DeliveryFailure(`smtp: ${text}`, !permanent);
}
