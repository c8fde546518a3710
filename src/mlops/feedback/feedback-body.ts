import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';

/** Most items one `POST …/feedback` may carry; more get 413. */
export const FEEDBACK_BATCH_LIMIT = 1000;

/** One label for one answered request. */
export interface FeedbackItem {
  /** The `x-request-id` of the answer. */
  readonly requestId: string;
  readonly label: unknown;
}

/** A feedback body read: one item, or a batch whose malformed items are errors of their own. */
export interface FeedbackBody {
  /** The body was one object, not an array: its error is the answer's. */
  readonly single: boolean;
  readonly items: ReadonlyArray<FeedbackItem | UmbralError>;
}

const HOW = 'send {"request_id": "<x-request-id of the answer>", "label": <label>}, or an array of them';

/**
 * Reads a feedback body. Throws 400 when it is neither an object nor a non-empty array, 413 for a
 * batch over FEEDBACK_BATCH_LIMIT; a malformed item of a batch is a 400 error in its place.
 */
export function readFeedbackBody(body: unknown): FeedbackBody {
  if (Array.isArray(body)) {
    if (body.length === 0) throw Errors.invalidRequest('body', `the batch is empty; ${HOW}`);
    if (body.length > FEEDBACK_BATCH_LIMIT) throw Errors.feedbackBatchTooLarge(body.length, FEEDBACK_BATCH_LIMIT);
    return { single: false, items: body.map((item, i) => readItem(item, `[${i}]`)) };
  }
  const item = readItem(body, 'body');
  if (item instanceof Error) throw item;
  return { single: true, items: [item] };
}

function readItem(item: unknown, path: string): FeedbackItem | UmbralError {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return Errors.invalidRequest(path, `not an object; ${HOW}`);
  const fields = item as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => key !== 'request_id' && key !== 'label');
  if (extra.length > 0) return Errors.invalidRequest(path, `unknown field ${extra.map((key) => `'${key}'`).join(', ')}; ${HOW}`);
  const requestId = fields.request_id;
  if (typeof requestId !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(requestId)) {
    return Errors.invalidRequest(`${path}.request_id`, 'must be the x-request-id of an answer: 1-128 letters, digits, \'.\', \'_\', \':\' or \'-\'');
  }
  if (!('label' in fields) || fields.label === null) return Errors.invalidRequest(`${path}.label`, `is missing; ${HOW}`);
  return { requestId, label: fields.label };
}
