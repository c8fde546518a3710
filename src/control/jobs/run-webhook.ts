import { request } from 'undici';
import { UMBRAL_VERSION } from '../../version.js';
import { boundedSignal } from './bounded-signal.js';

/** What an operator job's webhook receives, as JSON (docs/guides/jobs.md). */
export interface WebhookBody {
  readonly job: string;
  /** ISO-8601 UTC: the time the run was due. */
  readonly due: string;
  readonly model: string | null;
}

export interface WebhookCall {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: WebhookBody;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

const MAX_ANSWER = 500;

/**
 * POSTs the run's JSON body, with `Idempotency-Key: <job>@<due>` so that a receiver can tell a
 * repeat. A 2xx answer resolves to a summary naming the status (never the URL, which may hold a
 * token); anything else throws with the status and the start of the answer.
 */
export async function runWebhook(call: WebhookCall): Promise<string> {
  const bounded = boundedSignal(call.signal, call.timeoutMs, 'the webhook');
  try {
    const response = await request(call.url, {
      method: 'POST', signal: bounded.signal,
      headers: {
        ...call.headers, 'content-type': 'application/json', 'user-agent': `umbral/${UMBRAL_VERSION}`,
        'idempotency-key': `${call.body.job}@${call.body.due}`,
      },
      body: JSON.stringify(call.body),
    });
    const text = (await response.body.text()).slice(0, MAX_ANSWER);
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new Error(`the webhook answered ${response.statusCode}${text ? `: ${text}` : ''}`);
    }
    return `webhook answered ${response.statusCode}`;
  } catch (error) {
    throw bounded.reason() ?? error;
  } finally {
    bounded.dispose();
  }
}
