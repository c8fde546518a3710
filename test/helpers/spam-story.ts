import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { ADMIN_KEY } from './access-kit.js';
import { DEFAULT_MODELS } from './test-server.js';

const { onnx } = onnxProto;

/** The bundled spam classifier: the ticket-classifier team's model in the champion/challenger stories. */
export const SPAM_MODEL = 'spam-classifier';
export const SPAM_LABELS = { probabilities: ['ham', 'spam'] };

/** The bundled spam classifier's bytes, told apart by its producer name: the same model, another artifact (a "retrained" version). */
export function respun(tag: string): Uint8Array {
  const model = onnx.ModelProto.decode(readFileSync(join(DEFAULT_MODELS[SPAM_MODEL], '1', 'model.onnx')));
  model.producerName = `umbral-test-${tag}`;
  return onnx.ModelProto.encode(model).finish();
}

const SPAM = ['WIN a FREE prize now!!! click here to claim your cash', 'Cheap meds online, no prescription, order now', 'You have been selected for a $1000 gift card, reply now',
  'Make money fast from home, guaranteed income, act now', 'Limited offer: free viagra, best price, buy now', 'Congratulations winner! claim your free lottery prize today'];
const HAM = ['Are we still on for lunch tomorrow at noon?', 'Here are the meeting notes from Tuesday, see the attached agenda', 'Can you review my patch to the build script before Friday?',
  'The kids have a dentist appointment on Monday morning', 'Thanks for the book, I will return it next week', 'Reminder: the team standup moves to 10am from now on'];

/** A labelled hold-out set of twelve messages (JSON lines) the bundled classifier gets mostly right. */
export const SPAM_DATASET = [...SPAM.map((text) => ({ inputs: { text }, expected: 'spam' })), ...HAM.map((text) => ({ inputs: { text }, expected: 'ham' }))]
  .map((row) => JSON.stringify(row)).join('\n');

/** Pushes a version of the spam classifier with the admin key, aliased; resolves to its number. */
export async function uploadSpam(server: { url: string }, bytes: Uint8Array, manifest: unknown, alias: string): Promise<number> {
  const form = new FormData();
  form.append('alias', alias);
  form.append('manifest', JSON.stringify(manifest));
  form.append('artifact', new Blob([bytes]), 'model.onnx');
  const response = await fetch(`${server.url}/admin/models/${SPAM_MODEL}/versions`, { method: 'POST', body: form, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const body = await response.json() as { version: number };
  assert.equal(response.status, 201, JSON.stringify(body));
  return body.version;
}
