import type { Database } from '../../store/database.js';
import type { EvaluationReport } from './evaluation-report.js';

/** A named dataset of a model, without its content. */
export interface DatasetSummary {
  readonly name: string;
  readonly sha256: string;
  readonly rows: number;
  readonly bytes: number;
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** A stored report, in brief: what ran on what. */
export interface ReportSummary {
  readonly id: string;
  readonly dataset: string;
  readonly datasetSha256: string;
  readonly versions: readonly number[];
  readonly sample: { readonly size: number; readonly seed: number } | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

interface DatasetRow { name: string; sha256: string; row_count: number; byte_count: number; created_by: string; created_at: Date }
interface ReportRow { id: string; dataset: string; dataset_sha256: string; versions: number[]; sample_size: number | null; sample_seed: number | null; created_by: string; created_at: Date }

const DATASET_COLUMNS = 'd.name, d.sha256, c.row_count, c.byte_count, d.created_by, d.created_at';
const REPORT_COLUMNS = 'id, dataset, dataset_sha256, versions, sample_size, sample_seed, created_by, created_at';

/** The evaluation tables (migration 0010-evaluations): datasets by content, and immutable reports. */
export class EvaluationStore {
  constructor(private readonly db: Database) {}

  /**
   * Names `content` `name` for `model`. Resolves the dataset and whether it is new; an existing name
   * with the same content is the same dataset. Another content under a taken name resolves
   * `{ taken }` with that name's dataset, and stores nothing.
   */
  async putDataset(model: string, name: string, content: { sha256: string; text: string; rows: number; bytes: number }, actor: string):
    Promise<{ dataset: DatasetSummary; created: boolean } | { taken: DatasetSummary }> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO umbral_eval_contents (sha256, content, row_count, byte_count) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`,
        [content.sha256, content.text, content.rows, content.bytes]);
      const inserted = await tx.query('INSERT INTO umbral_eval_datasets (model, name, sha256, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (model, name) DO NOTHING RETURNING name',
        [model, name, content.sha256, actor]);
      const [row] = await tx.query<DatasetRow>(`SELECT ${DATASET_COLUMNS} FROM umbral_eval_datasets d JOIN umbral_eval_contents c USING (sha256) WHERE d.model = $1 AND d.name = $2`, [model, name]);
      const dataset = datasetOf(row as DatasetRow);
      if (dataset.sha256 !== content.sha256) return { taken: dataset };
      return { dataset, created: inserted.length > 0 };
    });
  }

  async dataset(model: string, name: string): Promise<DatasetSummary | undefined> {
    const [row] = await this.db.query<DatasetRow>(
      `SELECT ${DATASET_COLUMNS} FROM umbral_eval_datasets d JOIN umbral_eval_contents c USING (sha256) WHERE d.model = $1 AND d.name = $2`, [model, name]);
    return row && datasetOf(row);
  }

  async datasets(model: string): Promise<DatasetSummary[]> {
    const rows = await this.db.query<DatasetRow>(
      `SELECT ${DATASET_COLUMNS} FROM umbral_eval_datasets d JOIN umbral_eval_contents c USING (sha256) WHERE d.model = $1 ORDER BY d.name`, [model]);
    return rows.map(datasetOf);
  }

  async content(sha256: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ content: string }>('SELECT content FROM umbral_eval_contents WHERE sha256 = $1', [sha256]);
    return row?.content;
  }

  /** Removes the name; its content too when no other name points at it. Resolves whether the name existed. */
  async deleteDataset(model: string, name: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ sha256: string }>('DELETE FROM umbral_eval_datasets WHERE model = $1 AND name = $2 RETURNING sha256', [model, name]);
      if (!row) return false;
      await tx.query('DELETE FROM umbral_eval_contents c WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM umbral_eval_datasets d WHERE d.sha256 = c.sha256)', [row.sha256]);
      return true;
    });
  }

  /** Stores a report (its `id` and `createdAt` are given here) and resolves it as stored. */
  async addReport(report: Omit<EvaluationReport, 'id' | 'createdAt'>): Promise<EvaluationReport> {
    const [row] = await this.db.query<{ id: string; created_at: Date }>(
      `INSERT INTO umbral_evaluations (model, dataset, dataset_sha256, versions, sample_size, sample_seed, report, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at`,
      [report.model, report.dataset.name, report.dataset.sha256, report.versions.map((v) => v.version),
        report.sample?.size ?? null, report.sample?.seed ?? null, JSON.stringify(report), report.createdBy]);
    return reportOf({ id: String(row?.id), created_at: row?.created_at ?? new Date(), report });
  }

  async report(model: string, id: string): Promise<EvaluationReport | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row] = await this.db.query<StoredReport>('SELECT id, created_at, report FROM umbral_evaluations WHERE model = $1 AND id = $2', [model, id]);
    return row && reportOf(row);
  }

  /** The newest report of `model` on content `sha256` that ran every one of `versions` with this sample (null: all rows). */
  async findReport(model: string, sha256: string, versions: readonly number[], sample: { size: number; seed: number } | null): Promise<EvaluationReport | undefined> {
    const [row] = await this.db.query<StoredReport>(
      `SELECT id, created_at, report FROM umbral_evaluations
       WHERE model = $1 AND dataset_sha256 = $2 AND versions @> $3::integer[]
         AND sample_size IS NOT DISTINCT FROM $4::integer AND sample_seed IS NOT DISTINCT FROM $5::integer
       ORDER BY id DESC LIMIT 1`,
      [model, sha256, [...versions], sample?.size ?? null, sample?.seed ?? null]);
    return row && reportOf(row);
  }

  /** Reports of `model`, newest first; only those that ran `version` when given. */
  async reports(model: string, options: { version?: number; limit: number }): Promise<ReportSummary[]> {
    const rows = await this.db.query<ReportRow>(
      `SELECT ${REPORT_COLUMNS} FROM umbral_evaluations WHERE model = $1 AND ($2::integer IS NULL OR $2::integer = ANY (versions))
       ORDER BY id DESC LIMIT $3`, [model, options.version ?? null, options.limit]);
    return rows.map((row) => ({
      id: String(row.id), dataset: row.dataset, datasetSha256: row.dataset_sha256, versions: row.versions.map(Number),
      sample: row.sample_size === null ? null : { size: row.sample_size, seed: row.sample_seed ?? 0 },
      createdBy: row.created_by, createdAt: new Date(row.created_at),
    }));
  }
}

interface StoredReport { id: string; created_at: Date; report: Omit<EvaluationReport, 'id' | 'createdAt'> }

/** The report column holds all but the id and the time, which are the row's. */
function reportOf(row: StoredReport): EvaluationReport {
  return { id: String(row.id), ...row.report, createdAt: new Date(row.created_at).toISOString() };
}

function datasetOf(row: DatasetRow): DatasetSummary {
  return { name: row.name, sha256: row.sha256, rows: row.row_count, bytes: row.byte_count, createdBy: row.created_by, createdAt: new Date(row.created_at) };
}
