import { registryMigration } from './0001-registry.js';
import { accessMigration } from './0002-access.js';
import { revokedSessionsMigration } from './0003-revoked-sessions.js';
import { policiesMigration } from './0004-policies.js';
import { predictionLogMigration } from './0005-prediction-log.js';
import { notificationsMigration } from './0006-notifications.js';
import { jobsMigration } from './0007-jobs.js';
import { driftMigration } from './0008-drift.js';
import { backupsMigration } from './0009-backups.js';
import { evaluationsMigration } from './0010-evaluations.js';
import { canaryMigration } from './0011-canary.js';
import type { Migration } from './migration.js';

/** Every migration, in the order they apply. Append only. */
export const MIGRATIONS: readonly Migration[] = [registryMigration, accessMigration, revokedSessionsMigration, policiesMigration, predictionLogMigration,
  notificationsMigration, jobsMigration, driftMigration, backupsMigration, evaluationsMigration, canaryMigration];
