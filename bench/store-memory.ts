import { openDatabase } from '../src/store/open-database.js';
import { childEntry } from './child-entry.js';
import type { StoreMemoryPlan, StoreMemoryResult } from './messages.js';

/**
 * Child process: the resident memory the embedded store adds, without a server around it. The
 * store's modules are imported already (static import), so the difference is the open itself: the
 * WebAssembly PostgreSQL, its heap and the directory's files, as the server pays for them at start.
 */
childEntry('store-memory', async (plan: StoreMemoryPlan): Promise<StoreMemoryResult> => {
  const rssBeforeBytes = process.memoryUsage().rss;
  const began = performance.now();
  const db = await openDatabase({ dataDir: plan.dataDir, databaseUrl: '' });
  const openMs = performance.now() - began;
  const rssAfterBytes = process.memoryUsage().rss;
  await db.close();
  return { kind: 'store-memory-result', rssBeforeBytes, rssAfterBytes, openMs };
});
