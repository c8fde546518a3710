// Regenerates the permission matrix of docs/guides/access-control.md from the routes a real server registers (`npm run docs:access`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCESS_DOC, renderAccessTables, replaceAccessSection } from '../src/access/access-table.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/observability/logger.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import type { RouteAccessEntry } from '../src/server/plugins/access-control.js';
import { startServer } from '../src/server/start-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'umbral-docs-'));
const secret = randomBytes(32).toString('hex');
const config = loadConfig({
  env: {},
  overrides: {
    'server.port': 0, 'store.dataDir': join(scratch, 'data'), 'models.dir': join(scratch, 'models'), 'log.level': 'silent',
    'auth.mode': 'on', 'auth.adminKey': secret, 'auth.jwtSecret': secret,
  },
});
const routes: RouteAccessEntry[] = [];
const server = await startServer(config, createLogger(config), { routeTable: routes, announce: () => undefined });
await server.shutdown('routes read');
rmSync(scratch, { recursive: true, force: true });

const pagePath = join(PACKAGE_ROOT, ACCESS_DOC);
if (process.argv.includes('--write')) {
  writeFileSync(pagePath, replaceAccessSection(readFileSync(pagePath, 'utf8'), renderAccessTables(routes)));
  console.log(`updated the permission matrix in ${pagePath}`);
} else {
  console.log(renderAccessTables(routes));
}
