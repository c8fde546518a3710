import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { childEntry } from './child-entry.js';
import { summarise } from './latency-summary.js';
import type { ProbePlan, ProbeResult } from './messages.js';

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Child process: what a Kubernetes liveness probe would see. One GET every `intervalMs` over one
 * keep-alive connection, during the window, each answer's latency recorded. The server answers a
 * liveness GET at once, so its latency is (mostly) the time the request waits for the server's event
 * loop. A probe slower than the interval delays the next one: probes never pile up.
 */
childEntry('probe', async (plan: ProbePlan): Promise<ProbeResult> => {
  const client = new Client(plan.origin, { headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS });
  const latenciesMs: number[] = [];
  let failures = 0;
  try {
    await sleep(plan.warmupMs);
    const start = performance.now();
    const end = start + plan.durationMs;
    const maxProbes = Math.ceil(plan.durationMs / plan.intervalMs) + 1;
    for (let k = 0; k < maxProbes && performance.now() < end; k++) {
      await sleep(Math.max(0, start + k * plan.intervalMs - performance.now()));
      const sent = performance.now();
      try {
        const answer = await client.request({ path: plan.path, method: 'GET' });
        await answer.body.dump();
        if (answer.statusCode === 200) latenciesMs.push(performance.now() - sent);
        else failures++;
      } catch {
        failures++;
      }
    }
  } finally {
    await client.destroy();
  }
  return { kind: 'probe-result', latency: summarise(latenciesMs), failures };
});
