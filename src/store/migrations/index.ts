import { registryMigration } from './0001-registry.js';
import type { Migration } from './migration.js';

/** Every migration, in the order they apply. Append only. */
export const MIGRATIONS: readonly Migration[] = [registryMigration];
