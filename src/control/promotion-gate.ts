import { Errors } from '../errors/catalogue.js';
import { isUmbralError, withDetails } from '../errors/umbral-error.js';
import type { EventSink } from '../mlops/events/umbral-event.js';
import type { EvaluationReport } from '../mlops/evaluation/evaluation-report.js';
import type { Evaluations } from '../mlops/evaluation/evaluations.js';
import { isMetricOf, metricNames } from '../mlops/evaluation/metric-names.js';
import { taskOf } from '../mlops/features/summarize-prediction.js';
import { parsePolicy } from '../model/policy.js';
import { CHALLENGER, CHAMPION, type Actor, type Registry } from '../registry/registry.js';
import type { Force } from './signature-check.js';
import { judgeGate, type GateVerdict, type PromotionGateSection } from './gate-verdict.js';

export interface PromotionGateDeps {
  readonly registry: Pick<Registry, 'getModel' | 'getPolicy' | 'getVersion' | 'recordDecision'>;
  readonly evaluations: Pick<Evaluations, 'dataset' | 'evaluate' | 'findReport'>;
  readonly events: EventSink;
}

/** How a promotion was asked for: forced past a failed gate, by an admin (the caller checks who), with a reason. */
export interface PromoteOptions {
  readonly force?: Force;
}

/** How a promotion got past the gate, as its audit entry records it (`detail.gate`). */
export type GateOutcome = 'none' | 'first' | 'passed' | 'forced';

const MAX_REASON = 1000;

/**
 * The promotion gate (policy `promotion`, docs/guides/evaluation.md): before challenger becomes
 * champion, both are evaluated on the gate's dataset through the serving path (or a stored report of
 * the same versions, dataset content and sample is reused) and judged (gate-verdict.ts). The
 * decision is recorded in the audit log with the report whichever it is; a failure is announced
 * (`gate.failed`) and refused with 409 carrying the report, unless forced with a reason.
 */
export class PromotionGate {
  constructor(private readonly deps: PromotionGateDeps) {}

  /**
   * Resolves when the promotion may go ahead, to how: `none` (the policy has no gate: the challenger
   * was not evaluated), `first` (no champion to compare with), `passed`, or `forced` past a failure.
   */
  async enforce(model: string, actor: Actor, options: PromoteOptions = {}): Promise<GateOutcome> {
    if (options.force) checkReason(options.force.reason);
    const gate = await this.#section(model);
    const aliases = (await this.deps.registry.getModel(model))?.aliases ?? {};
    const [champion, challenger] = [aliases[CHAMPION], aliases[CHALLENGER]];
    // No challenger: the registry refuses (409); no champion yet: nothing to compare with.
    if (!gate) return 'none';
    if (challenger === undefined || champion === undefined || champion === challenger) return 'first';
    const { verdict, report } = await this.#judge(model, gate, champion, challenger, actor);
    const forced = !verdict.passed && options.force !== undefined;
    const action = verdict.passed ? 'gate.passed' : forced ? 'gate.forced' : 'gate.failed';
    const reason = forced && options.force ? { reason: options.force.reason.trim() } : {};
    await this.deps.registry.recordDecision(model, actor, {
      action, subject: CHALLENGER, from: champion, to: challenger, detail: { verdict, ...reason, report: report ?? null },
    });
    if (verdict.passed) return 'passed';
    this.deps.events.emit({
      type: 'gate.failed', model, version: String(challenger),
      summary: forced
        ? `${model} version ${challenger} failed its promotion gate and was forced through by ${actor}: ${reason.reason}`
        : `${model} version ${challenger} was refused promotion by its gate: ${verdict.reasons.join('; ')}`,
      details: { forced, actor, champion, challenger, reasons: verdict.reasons, ...reason, ...(verdict.metric ? { metric: verdict.metric } : {}), reportId: report?.id ?? null },
    });
    if (!forced) throw withDetails(Errors.gateFailed(model, challenger, [...verdict.reasons]), { verdict, report: report ?? null });
    return 'forced';
  }

  /**
   * Checks a policy's `promotion` section against the model: its dataset exists, its metric is one
   * of the serving version's task. Resolves the problems (`promotion.metric: …`), none when it fits.
   */
  async problems(model: string, gate: PromotionGateSection): Promise<string[]> {
    const problems: string[] = [];
    await this.deps.evaluations.dataset(model, gate.dataset).catch((error: unknown) => {
      if (!isUmbralError(error) || error.code !== Errors.datasetNotFound.code) throw error;
      problems.push(`promotion.dataset: model '${model}' has no dataset '${gate.dataset}'; push it first (POST /admin/models/${model}/datasets?name=${gate.dataset})`);
    });
    const record = await this.deps.registry.getModel(model);
    const number = record?.aliases[CHAMPION] ?? record?.latestVersion;
    const manifest = number === undefined || number === null ? undefined : (await this.deps.registry.getVersion(model, number))?.manifest;
    if (!manifest) return problems;
    const task = taskOf(manifest);
    if (!task) {
      problems.push('promotion.metric: the model\'s serving version declares no task (manifest task, or class labels), so it has no metric to gate on');
      return problems;
    }
    const classNames = manifest.labels[task.output ?? manifest.outputs?.[0]?.name ?? ''];
    if (!isMetricOf(gate.metric, task, classNames)) {
      problems.push(`promotion.metric: '${gate.metric}' is not a metric of a ${task.type} model; use one of ${metricNames(task, classNames).slice(0, 8).join(', ')}`);
    }
    return problems;
  }

  async #section(model: string): Promise<PromotionGateSection | undefined> {
    const stored = await this.deps.registry.getPolicy(model);
    const parsed = parsePolicy(stored?.policy ?? {});
    return 'policy' in parsed ? parsed.policy.promotion : undefined;
  }

  /** The verdict on a report reused or made now; a gate that cannot evaluate (its dataset gone, a version that cannot take it) fails. */
  async #judge(model: string, gate: PromotionGateSection, champion: number, challenger: number, actor: Actor): Promise<{ verdict: GateVerdict; report?: EvaluationReport }> {
    try {
      const dataset = await this.deps.evaluations.dataset(model, gate.dataset);
      const sample = { ...(gate.sample === undefined ? {} : { size: gate.sample }), ...(gate.seed === undefined ? {} : { seed: gate.seed }) };
      const report = await this.deps.evaluations.findReport(model, dataset, [champion, challenger], sample)
        ?? await this.deps.evaluations.evaluate(model, {
          dataset: gate.dataset, versions: [String(champion), String(challenger)],
          ...(gate.sample === undefined ? {} : { sample: gate.sample }), ...(gate.seed === undefined ? {} : { seed: gate.seed }),
        }, actor);
      return { verdict: judgeGate(gate, report, champion, challenger), report };
    } catch (error) {
      if (!isUmbralError(error) || error.status >= 500) throw error;
      return { verdict: { passed: false, reasons: [`the gate could not evaluate: ${error.message}`], champion, challenger } };
    }
  }
}

function checkReason(reason: string | undefined): void {
  if (reason === undefined || reason.trim() === '') throw Errors.invalidRequest('reason', 'a forced promotion needs a reason, for the audit log');
  if (reason.length > MAX_REASON) throw Errors.invalidRequest('reason', `must be at most ${MAX_REASON} characters`);
}
