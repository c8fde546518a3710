import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, request } from 'undici';
import { childEntry } from './child-entry.js';
import { summarise } from './latency-summary.js';
import type { LoadPlan, LoadResult } from './messages.js';

// Bounds beside the time window, so that no loop can run away.
const MAX_REQUESTS_PER_LOOP = 2_000_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ERROR_SAMPLES = 5;

/** What the loops share: answers that arrived inside the measured window. */
interface Window {
  readonly start: number;
  readonly end: number;
  readonly latenciesMs: number[];
  /** Latencies of 503 answers, when the plan counts refusals apart. */
  readonly refusedMs: number[];
  errors: number;
  readonly errorSamples: string[];
  /** process.cpuUsage() when the window opened. */
  cpuAtStart?: NodeJS.CpuUsage;
}

/**
 * Child process: `concurrency` loops, each one request at a time over its own keep-alive connection
 * (an undici Pool), for warm-up + window. Counts and latencies only of answers that arrive inside the
 * window; throughput is those answers over the window's length.
 */
childEntry('load', async (plan: LoadPlan): Promise<LoadResult> => {
  if (plan.bodies.length === 0) throw new Error('a load plan needs at least one request body');
  const pool = new Pool(plan.origin, {
    connections: plan.concurrency, pipelining: 1, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  const start = performance.now() + plan.warmupMs;
  const window: Window = { start, end: start + plan.durationMs, latenciesMs: [], refusedMs: [], errors: 0, errorSamples: [] };
  const scrapes = plan.metricsPath === undefined ? undefined : scrapeAtEdges(plan.origin, plan.metricsPath, window);
  scrapes?.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile
  const cpuTimer = setTimeout(() => { window.cpuAtStart = process.cpuUsage(); }, plan.warmupMs);
  try {
    await Promise.all(Array.from({ length: plan.concurrency }, (_, index) => requestLoop(pool, plan, index, window)));
  } finally {
    clearTimeout(cpuTimer);
    await pool.destroy();
  }
  const cpu = process.cpuUsage(window.cpuAtStart);
  const [metricsAtStart, metricsAtEnd] = scrapes ? await scrapes : [undefined, undefined];
  return {
    kind: 'load-result', ok: window.latenciesMs.length, errors: window.errors, errorSamples: window.errorSamples,
    windowMs: plan.durationMs, latency: summarise(window.latenciesMs), cpuMs: (cpu.user + cpu.system) / 1000, metricsAtStart, metricsAtEnd,
    ...(plan.refusals ? { refused: window.refusedMs.length, refusedLatency: summarise(window.refusedMs) } : {}),
  };
});

async function requestLoop(pool: Pool, plan: LoadPlan, index: number, window: Window): Promise<void> {
  const headers = { 'content-type': 'application/json', ...plan.headers };
  for (let k = 0; k < MAX_REQUESTS_PER_LOOP && performance.now() < window.end; k++) {
    const body = plan.bodies[(index + k) % plan.bodies.length];
    const sent = performance.now();
    let failure: string | undefined;
    let refused = false;
    let retryAfterMs = 0;
    try {
      const answer = await pool.request({ path: plan.path, method: 'POST', headers, body });
      const text = await answer.body.text();
      refused = plan.refusals === true && answer.statusCode === 503;
      if (refused) retryAfterMs = Number(answer.headers['retry-after'] ?? 0) * 1000;
      if (!refused && (answer.statusCode < 200 || answer.statusCode >= 300)) failure = `HTTP ${answer.statusCode}: ${text.slice(0, 300)}`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const received = performance.now();
    // A refused client comes back after the Retry-After it was given, as a well-behaved client does.
    if (refused && retryAfterMs > 0) await sleep(Math.min(retryAfterMs, Math.max(0, window.end - performance.now())));
    if (received < window.start || received > window.end) continue;
    if (refused) {
      window.refusedMs.push(received - sent);
    } else if (failure === undefined) {
      window.latenciesMs.push(received - sent);
    } else {
      window.errors++;
      if (window.errorSamples.length < MAX_ERROR_SAMPLES) window.errorSamples.push(failure);
    }
  }
}

/** GETs the metrics page when the window opens and when it closes, on a connection of its own. */
async function scrapeAtEdges(origin: string, path: string, window: Window): Promise<[string, string]> {
  await sleep(Math.max(0, window.start - performance.now()));
  const atStart = await scrape(origin, path);
  await sleep(Math.max(0, window.end - performance.now()));
  return [atStart, await scrape(origin, path)];
}

async function scrape(origin: string, path: string): Promise<string> {
  const answer = await request(new URL(path, origin), { headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  const text = await answer.body.text();
  if (answer.statusCode !== 200) throw new Error(`GET ${path} answered ${answer.statusCode}: ${text.slice(0, 300)}`);
  return text;
}
