import { Errors } from '../../errors/catalogue.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import type { Manifest } from '../../model/manifest.js';
import { decodeInferRequest } from '../../protocol/kserve/decode-infer-request.js';
import { decodeInferResponse } from '../../protocol/kserve/decode-infer-response.js';
import { isProtocolError } from '../../protocol/kserve/protocol-error.js';
import type { Tensor } from '../../protocol/tensor.js';
import { extractFeatures } from '../features/extract-features.js';
import { summarizePrediction, taskOf, type RowPrediction } from '../features/summarize-prediction.js';
import { FeatureReservoirs } from './reservoir.js';

/** Seed of a reference's reservoirs: the same dataset gives the same stored sample. */
const REFERENCE_SEED = 0x0d71f7;
/** Lines parsed between two yields to the event loop (a large dataset must not stall serving). */
const LINES_PER_TURN = 500;

export interface ReferenceLimits {
  /** Most elements one tensor of a line may hold (limits.maxElements). */
  readonly maxElements: number;
  /** Values kept per feature (a seeded reservoir sample beyond it). */
  readonly valuesPerFeature: number;
}

/** What a reference dataset comes to: a sample per feature, and how many lines made it. */
export interface ReferenceSample {
  readonly features: Record<string, number[]>;
  readonly rows: number;
}

/**
 * Reads a reference dataset: JSON lines, each `{"inputs": [...]}` with KServe v2 input tensors as an
 * infer request carries them, and optionally `"outputs": [...]` (output tensors as an infer answer
 * carries them) so that the outputs get a reference too. Each line gives the features the prediction
 * log keeps of one request (extractFeatures: at most 8 rows of it). Inputs are checked against the
 * version's declared inputs. Any bad line refuses the whole dataset, naming the line.
 */
export async function readReferenceDataset(text: string, model: string, manifest: Manifest, limits: ReferenceLimits): Promise<ReferenceSample> {
  const reservoirs = new FeatureReservoirs(limits.valuesPerFeature, REFERENCE_SEED);
  const lines = text.split('\n');
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      reservoirs.add(featuresOfLine(line, model, manifest, limits.maxElements));
    } catch (error) {
      throw Errors.referenceInvalid(`line ${i + 1}: ${problemOf(error)}`);
    }
    rows++;
    if (rows % LINES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (rows === 0) throw Errors.referenceInvalid('the body holds no line');
  const features = reservoirs.samples();
  if (Object.keys(features).length === 0) throw Errors.referenceInvalid('no line gives a feature drift can watch (numeric or text inputs)');
  return { features, rows };
}

function featuresOfLine(line: string, model: string, manifest: Manifest, maxElements: number): Record<string, number[]> {
  let body: unknown;
  try {
    body = JSON.parse(line);
  } catch (error) {
    throw new LineProblem(`not JSON (${(error as Error).message})`);
  }
  const inputs = decodeInferRequest(body, { maxElements }).inputs;
  checkInputs(inputs, model, manifest);
  const outputs = (body as { outputs?: unknown }).outputs;
  const prediction = outputs === undefined ? undefined : predictionOf(decodeInferResponse({ outputs }, { maxElements }), manifest);
  const task = taskOf(manifest);
  const classes = manifest.labels[task?.output ?? manifest.outputs?.[0]?.name ?? ''];
  return extractFeatures(inputs, prediction, classes);
}

function checkInputs(inputs: readonly Tensor[], model: string, manifest: Manifest): void {
  const declared = manifest.inputs ?? [];
  if (declared.length === 0) return;
  for (const input of inputs) {
    const spec = declared.find((d) => d.name === input.name);
    if (!spec) throw Errors.unknownInput(input.name, model, declared.map((d) => d.name));
    if (spec.datatype !== undefined && spec.datatype !== input.datatype) throw Errors.datatypeMismatch(input.name, spec.datatype, input.datatype);
  }
}

function predictionOf(outputs: readonly Tensor[], manifest: Manifest): RowPrediction[] | undefined {
  const task = taskOf(manifest);
  if (!task) throw new LineProblem('"outputs" need the version\'s manifest to declare a task (or labels); send inputs only');
  const prediction = summarizePrediction(task, outputs, manifest.labels);
  if (!prediction) throw new LineProblem(`"outputs" lack the task's output '${task.output ?? manifest.outputs?.[0]?.name ?? '?'}' as a numeric tensor`);
  return prediction;
}

class LineProblem extends Error {}

function problemOf(error: unknown): string {
  if (error instanceof LineProblem) return error.message;
  if (isProtocolError(error)) return error.args.join(': ');
  if (isUmbralError(error)) return error.message;
  throw error;
}
