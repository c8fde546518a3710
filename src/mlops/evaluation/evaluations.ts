import { createHash } from 'node:crypto';
import { Errors } from '../../errors/catalogue.js';
import type { DataPlane } from '../../inference/data-plane.js';
import type { Manifest } from '../../model/manifest.js';
import { checkName, isVersionNumber } from '../../model/names.js';
import { CHAMPION, type ModelRecord, type Registry, type VersionRecord } from '../../registry/registry.js';
import type { Database } from '../../store/database.js';
import { taskOf, type Task } from '../features/summarize-prediction.js';
import type { EvaluationReport } from './evaluation-report.js';
import { EvaluationStore, type DatasetSummary, type ReportSummary } from './evaluation-store.js';
import { readDataset, sampleRows } from './read-dataset.js';
import { reportVersion } from './report-version.js';
import { runRows } from './run-rows.js';

export interface EvaluationLimits {
  /** Largest dataset body (evaluation.maxDatasetBytes). */
  readonly maxDatasetBytes: number;
  /** Most rows of a dataset (evaluation.maxDatasetRows). */
  readonly maxDatasetRows: number;
  /** Most elements of one tensor (limits.maxElements). */
  readonly maxElements: number;
  /** Rows in flight at once per evaluation (evaluation.concurrency). */
  readonly concurrency: number;
}

export interface EvaluationsDeps {
  readonly db: Database;
  readonly registry: Pick<Registry, 'getModel' | 'getVersion' | 'getPolicy'>;
  /** The serving path every row takes. */
  readonly plane: Pick<DataPlane, 'infer'>;
  readonly limits: EvaluationLimits;
}

/** What to evaluate: versions (numbers or aliases) of the model on one of its datasets, optionally a seeded sample of it. */
export interface EvaluateRequest {
  readonly dataset: string;
  readonly versions: readonly string[];
  /** Rows drawn (seeded, without replacement); every row when absent. */
  readonly sample?: number;
  /** The sample's seed (default 0): the same seed draws the same rows. */
  readonly seed?: number;
}

const MAX_VERSIONS = 4;

/**
 * Evaluation datasets and offline evaluations of a model's versions (docs/guides/evaluation.md):
 * datasets are checked against the model's inputs and task when pushed and stored by content;
 * an evaluation sends every row to each version through the data plane and stores the report.
 */
export class Evaluations {
  readonly #store: EvaluationStore;

  constructor(private readonly deps: EvaluationsDeps) {
    this.#store = new EvaluationStore(deps.db);
  }

  /**
   * Stores `text` as dataset `name` of `model`, once it is read in full against the model's serving
   * version (champion, else latest): 400 naming the first bad line, 413 past the limits, 409 when the
   * name holds other content. The same content again is the same dataset (`created` false).
   */
  async pushDataset(model: string, name: string, text: string, actor: string): Promise<{ dataset: DatasetSummary; created: boolean }> {
    checkName('dataset', name);
    const record = await this.#model(model);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.deps.limits.maxDatasetBytes) throw Errors.datasetTooLarge(`more than ${this.deps.limits.maxDatasetBytes} bytes (evaluation.maxDatasetBytes)`);
    const number = record.aliases[CHAMPION] ?? record.latestVersion;
    if (number === null || number === undefined) throw Errors.datasetInvalid(`model '${model}' has no version yet: push one first, its inputs check the dataset`);
    const version = await this.#version(model, number);
    const rows = await readDataset(text, taskOfVersion(version), version.manifest, this.#datasetLimits());
    const sha256 = createHash('sha256').update(text).digest('hex');
    const stored = await this.#store.putDataset(model, name, { sha256, text, rows: rows.length, bytes }, actor);
    if ('taken' in stored) throw Errors.datasetExists(model, name, stored.taken.sha256);
    return stored;
  }

  async datasets(model: string): Promise<DatasetSummary[]> {
    await this.#model(model);
    return this.#store.datasets(model);
  }

  async dataset(model: string, name: string): Promise<DatasetSummary> {
    await this.#model(model);
    const found = await this.#store.dataset(model, name);
    if (!found) throw Errors.datasetNotFound(model, name);
    return found;
  }

  /** Removes a dataset; 409 while the model's promotion gate names it. Its reports stay. */
  async deleteDataset(model: string, name: string): Promise<void> {
    await this.#model(model);
    const gate = (await this.deps.registry.getPolicy(model))?.policy.promotion as { dataset?: unknown } | undefined;
    if (gate?.dataset === name) throw Errors.datasetInUse(model, name);
    if (!(await this.#store.deleteDataset(model, name))) throw Errors.datasetNotFound(model, name);
  }

  /** Runs the dataset (or its seeded sample) through each version, one version after the other, and stores the report. */
  async evaluate(model: string, request: EvaluateRequest, actor: string, signal: AbortSignal = new AbortController().signal): Promise<EvaluationReport> {
    const record = await this.#model(model);
    const versions = await this.#versions(record, request.versions);
    const dataset = await this.dataset(model, request.dataset);
    const text = await this.#store.content(dataset.sha256);
    if (text === undefined) throw Errors.datasetNotFound(model, request.dataset);
    const task = taskOfVersion(versions[0]?.record as VersionRecord);
    const seed = request.seed ?? 0;
    const sample = request.sample !== undefined && request.sample < dataset.rows ? { size: request.sample, seed } : null;
    const reports = [];
    for (const { record: version, alias } of versions) {
      const own = taskOfVersion(version);
      if (own.type !== task.type) throw Errors.invalidRequest('versions', `version ${version.version} is a ${own.type} model, version ${versions[0]?.record.version} a ${task.type} one: evaluate them apart`);
      const rows = await readDataset(text, own, version.manifest, this.#datasetLimits(), `for version ${version.version}, `);
      const picked = sampleRows(rows, sample?.size, seed);
      const outcomes = await runRows(this.deps.plane, picked, {
        model, version: version.version, requestPrefix: `eval-${model}-${version.version}`, concurrency: this.deps.limits.concurrency, signal,
      });
      reports.push(reportVersion(own, version, alias, picked, outcomes));
    }
    return this.#store.addReport({
      model, dataset: { name: dataset.name, sha256: dataset.sha256, rows: dataset.rows }, sample, task, versions: reports, createdBy: actor,
    });
  }

  async report(model: string, id: string): Promise<EvaluationReport> {
    await this.#model(model);
    const found = await this.#store.report(model, id);
    if (!found) throw Errors.evaluationNotFound(model, id);
    return found;
  }

  async reports(model: string, options: { version?: number; limit?: number } = {}): Promise<ReportSummary[]> {
    await this.#model(model);
    return this.#store.reports(model, { ...options, limit: options.limit ?? 100 });
  }

  /** The newest stored report of these versions on this dataset's content and sample, if any (what the gate reuses). */
  async findReport(model: string, dataset: DatasetSummary, versions: readonly number[], sample: { size?: number; seed?: number }): Promise<EvaluationReport | undefined> {
    const normalized = sample.size !== undefined && sample.size < dataset.rows ? { size: sample.size, seed: sample.seed ?? 0 } : null;
    return this.#store.findReport(model, dataset.sha256, versions, normalized);
  }

  #datasetLimits() {
    return { maxRows: this.deps.limits.maxDatasetRows, maxElements: this.deps.limits.maxElements };
  }

  async #model(name: string): Promise<ModelRecord> {
    const record = await this.deps.registry.getModel(name);
    if (!record) throw Errors.modelNotFound(name);
    return record;
  }

  async #version(model: string, number: number): Promise<VersionRecord> {
    const record = await this.deps.registry.getVersion(model, number);
    if (!record) throw Errors.versionNotFound(model, String(number));
    return record;
  }

  /** Each version asked for, by number or alias, once. */
  async #versions(model: ModelRecord, asked: readonly string[]): Promise<Array<{ record: VersionRecord; alias?: string }>> {
    if (asked.length === 0 || asked.length > MAX_VERSIONS) throw Errors.invalidRequest('versions', `name 1 to ${MAX_VERSIONS} versions (numbers or aliases), such as champion,challenger`);
    const found: Array<{ record: VersionRecord; alias?: string }> = [];
    for (const name of asked) {
      const number = /^\d+$/.test(name) ? Number(name) : model.aliases[name];
      if (number === undefined) throw Errors.aliasNotFound(model.name, name);
      if (!isVersionNumber(number)) throw Errors.versionNotFound(model.name, name);
      if (found.some((f) => f.record.version === number)) throw Errors.invalidRequest('versions', `version ${number} is named twice`);
      found.push({ record: await this.#version(model.name, number), ...(/^\d+$/.test(name) ? {} : { alias: name }) });
    }
    return found;
  }
}

/** A version's task; 400 when its manifest declares none (no `task`, no class labels). */
export function taskOfVersion(version: { version: number; manifest: Manifest }): Task {
  const task = taskOf(version.manifest);
  if (!task) {
    throw Errors.datasetInvalid(`version ${version.version} declares no task: give its manifest a task (classification, regression or ranking) or class labels`);
  }
  return task;
}
