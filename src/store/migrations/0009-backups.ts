import type { Migration } from './migration.js';

/**
 * What a registry change carries beyond from and to (issue 14, backups and promotion safeguards):
 * a forced promotion or alias move records its reason and the signature differences it overrode,
 * and a promotion its backup. Backups themselves need no table: they are directories.
 */
export const backupsMigration: Migration = {
  id: '0009-backups',
  sql: `
ALTER TABLE umbral_audit_log ADD COLUMN IF NOT EXISTS detail jsonb CHECK (detail IS NULL OR jsonb_typeof(detail) = 'object');
`,
};
