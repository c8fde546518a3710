import type { PredictionRecord } from './prediction-record.js';

/** Where the prediction log writes its records (the database; a faulty one in tests). */
export interface PredictionSink {
  /**
   * Writes `records` in one statement, each at most once: a record whose id is already stored is
   * skipped (a replay after a crash, or a retry after a lost acknowledgement). Rejects when it could
   * not write them all.
   */
  write(records: readonly PredictionRecord[]): Promise<void>;
  /**
   * Whether a rejection of `write` means the store cannot be reached now (retry later, then spill),
   * rather than that it refused these records (then retrying cannot help).
   */
  unavailable(error: unknown): boolean;
}
