import type { Children } from './children.js';
import { withMachineBusy } from './machine-busy.js';
import type { LoadPlan, LoadResult, ProbeResult, RawOnnxPlan, RawOnnxResult } from './messages.js';

/** How long each measurement runs. */
export interface Timing {
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** A child's result with how busy the whole machine was during its window (cores, NaN if unknown). */
export type Measured<T> = T & { readonly machineBusyCores: number };

/** Extra time a child gets, beyond its warm-up and window, before it counts as hung. */
const SLACK_MS = 60_000;
const PROBE_INTERVAL_MS = 10;

/** One load run, in its own child process. */
export async function measureLoad(children: Children, timing: Timing, plan: Omit<LoadPlan, 'kind' | keyof Timing>): Promise<Measured<LoadResult>> {
  const { result, machineBusyCores } = await withMachineBusy(timing.warmupMs, () =>
    children.run<LoadResult>('./load-generator.js', { kind: 'load', ...timing, ...plan }, budget(timing)));
  return { ...result.reply, machineBusyCores };
}

/** Liveness-probe latencies during a window, in their own child process. */
export async function probeLiveness(children: Children, timing: Timing, origin: string): Promise<ProbeResult> {
  const plan = { kind: 'probe', origin, path: '/health/live', intervalMs: PROBE_INTERVAL_MS, ...timing } as const;
  const job = await children.run<ProbeResult>('./lag-probe.js', plan, budget(timing));
  return job.reply;
}

/** The raw onnxruntime baseline, in its own child process. */
export async function measureRawOnnx(children: Children, timing: Timing, plan: Omit<RawOnnxPlan, 'kind' | keyof Timing>): Promise<Measured<RawOnnxResult>> {
  const { result, machineBusyCores } = await withMachineBusy(timing.warmupMs, () =>
    children.run<RawOnnxResult>('./raw-onnx.js', { kind: 'raw-onnx', ...timing, ...plan }, budget(timing)));
  return { ...result.reply, machineBusyCores };
}

/**
 * Sends one request of `rows` rows and returns the parsed answer; throws unless it is 200 with
 * that many rows in every output (what the load runs rely on without reading their answers).
 */
export async function preflight(origin: string, path: string, body: string, rows = 1): Promise<unknown> {
  const answer = await fetch(new URL(path, origin), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`POST ${path} answered ${answer.status}: ${text.slice(0, 500)}`);
  const parsed = JSON.parse(text) as { outputs?: { name?: string; shape?: number[] }[] };
  const outputs = parsed.outputs ?? [];
  if (outputs.length === 0 || outputs.some((output) => output.shape?.[0] !== rows)) {
    throw new Error(`POST ${path}: expected ${rows} row(s) in every output, got ${text.slice(0, 500)}`);
  }
  return parsed;
}

function budget(timing: Timing): number {
  return timing.warmupMs + timing.durationMs + SLACK_MS;
}
