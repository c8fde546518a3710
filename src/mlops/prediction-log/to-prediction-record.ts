import { createHash } from 'node:crypto';
import type { PredictionEvent } from '../../inference/prediction-observer.js';
import { bf16ToNumber, fp16ToNumber } from '../../protocol/half-float.js';
import type { Tensor } from '../../protocol/tensor.js';
import { extractFeatures, extractLlmFeatures } from '../features/extract-features.js';
import { summarizePrediction, taskOf } from '../features/summarize-prediction.js';
import type { PredictionRecord } from './prediction-record.js';

/** A tensor as a record keeps it: KServe v2 JSON (`{name, datatype, shape, data}`, data flat and row-major). */
export interface TensorJson {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: unknown[];
}

/**
 * The record of one ended request, made off the request path (the flusher): the payload encoded as
 * the policy says, the prediction summarised for live quality, and the drift sample.
 */
export function toPredictionRecord(event: PredictionEvent, id: string): PredictionRecord {
  if (event.llm) return llmRecord(event, event.llm, id);
  const task = event.manifest ? taskOf(event.manifest) : undefined;
  const labels = event.manifest?.labels ?? {};
  const prediction = task && event.outputs ? summarizePrediction(task, event.outputs, labels) ?? null : null;
  const classes = labels[task?.output ?? event.outputs?.[0]?.name ?? ''];
  const features = event.inputs ? extractFeatures(event.inputs, prediction ?? undefined, classes) : {};
  return {
    id, requestId: event.requestId, model: event.model, version: event.version, variant: event.variant,
    at: new Date(event.endedAt).toISOString(), latencyMs: Math.max(0, event.latencyMs), principal: event.principal,
    status: event.status, errorCode: event.errorCode, payload: event.payload,
    inputs: payloadOf(event.payload, event.inputs), outputs: payloadOf(event.payload, event.outputs),
    prediction, features: Object.keys(features).length > 0 ? features : null,
  };
}

/**
 * An OpenAI-compatible call: the request body and the answer are the payload (`full` keeps them as
 * JSON, `hash` their sha256); the drift sample is the prompt's length and tokens and the answer's
 * token count. No prediction: live quality is for tensor models with a task.
 */
function llmRecord(event: PredictionEvent, llm: NonNullable<PredictionEvent['llm']>, id: string): PredictionRecord {
  const features = extractLlmFeatures(llm.request, llm.answer);
  return {
    id, requestId: event.requestId, model: event.model, version: event.version, variant: event.variant,
    at: new Date(event.endedAt).toISOString(), latencyMs: Math.max(0, event.latencyMs), principal: event.principal,
    status: event.status, errorCode: event.errorCode, payload: event.payload,
    inputs: documentPayload(event.payload, { route: llm.route, body: llm.request }), outputs: documentPayload(event.payload, llm.answer),
    prediction: null, features: Object.keys(features).length > 0 ? features : null,
  };
}

function documentPayload(mode: PredictionEvent['payload'], document: unknown): unknown {
  if (mode === 'none' || document === null || document === undefined) return null;
  const json = JSON.stringify(document, (_key, value: unknown) => (typeof value === 'string' && UNSTORABLE.test(value) ? { b64: Buffer.from(value).toString('base64') } : value));
  return mode === 'full' ? JSON.parse(json) as unknown : { sha256: createHash('sha256').update(json).digest('hex') };
}

/** `full`: the tensors as JSON; `hash`: `{sha256}` of that JSON text; `none` (or no tensors): null. */
export function payloadOf(mode: PredictionEvent['payload'], tensors: readonly Tensor[] | null): unknown {
  if (mode === 'none' || tensors === null) return null;
  const json = tensors.map(tensorJson);
  return mode === 'full' ? json : { sha256: createHash('sha256').update(JSON.stringify(json)).digest('hex') };
}

/**
 * JSON PostgreSQL's jsonb can store: NaN and ±Infinity as null, 64-bit integers as numbers when
 * exact and as decimal strings otherwise, FP16/BF16 as the numbers their bits hold, and a BYTES
 * element that is not storable text (raw bytes, NUL, an unpaired surrogate) as `{"b64": …}`.
 */
export function tensorJson(tensor: Tensor): TensorJson {
  return { name: tensor.name, datatype: tensor.datatype, shape: [...tensor.shape], data: elements(tensor) };
}

// eslint-disable-next-line no-control-regex -- NUL is what jsonb refuses
const UNSTORABLE = /\u0000|\p{Surrogate}/u;

function elements(tensor: Tensor): unknown[] {
  const data = tensor.data;
  if (Array.isArray(data)) {
    return data.map((e) => (typeof e === 'string' && !UNSTORABLE.test(e) ? e : { b64: Buffer.from(e).toString('base64') }));
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return Array.from(data, (v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString()));
  }
  const decode = tensor.datatype === 'FP16' ? fp16ToNumber : tensor.datatype === 'BF16' ? bf16ToNumber : undefined;
  const out = new Array<unknown>(data.length);
  for (let i = 0; i < data.length; i++) {
    const value = decode ? decode(data[i] as number) : (data[i] as number);
    out[i] = tensor.datatype === 'BOOL' ? value !== 0 : Number.isFinite(value) ? value : null;
  }
  return out;
}
