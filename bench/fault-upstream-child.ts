import { startKserveUpstream } from '../test/support/fault-upstream/index.js';
import { startOpenAiUpstream } from '../test/support/fault-upstream/openai-upstream.js';
import { FaultSwitch } from '../test/support/fault-upstream/fault-plan.js';
import { childEntry } from './child-entry.js';
import type { UpstreamListening, UpstreamPlan } from './messages.js';

/**
 * Child process: the "instant upstream" of the upstream bench, a KServe v2 server and an
 * OpenAI-compatible one (umbral's fault-injection harness), answering at once, or failing the
 * plan's share of inference requests with 503. It serves until the orchestrator kills it.
 */
childEntry('upstream', async (plan: UpstreamPlan): Promise<UpstreamListening> => {
  const fault = plan.failureRate > 0 ? { kind: 'status503' as const, rate: plan.failureRate } : undefined;
  const kserve = await startKserveUpstream(fault ? { fault } : {});
  const faults = new FaultSwitch();
  faults.set(fault);
  const openai = await startOpenAiUpstream({ faults, record: false });
  return { kind: 'upstream-listening', kserveOrigin: kserve.httpUrl, openaiOrigin: openai.url.replace(/\/v1$/, '') };
}, false);
