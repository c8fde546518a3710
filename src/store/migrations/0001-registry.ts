import type { Migration } from './migration.js';

/** The registry's tables (written by the registry's author). */
export const registryMigration: Migration = {
  id: '0001-registry',
  sql: 'SELECT 1',
};
