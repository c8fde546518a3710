import { loadConfig } from '../config/load-config.js';
import { registryContract } from '../../test/support/registry/registry-contract.js';
import { SqlRegistry } from './sql-registry.js';
import { openTestDatabase } from '../../test/support/registry/test-database.js';

async function fixture(databaseUrl: string) {
  const { db, dispose } = await openTestDatabase(databaseUrl);
  return { db, dispose, registry: new SqlRegistry(db) };
}

registryContract('SqlRegistry on PGlite', () => fixture(''));

const { databaseUrl } = loadConfig().store;
registryContract('SqlRegistry on PostgreSQL', () => fixture(databaseUrl),
  databaseUrl ? undefined : 'DATABASE_URL is not set: set it to a PostgreSQL server URL to run this suite there');
