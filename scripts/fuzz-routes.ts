// A long run of the route fuzz test (`npm run fuzz -- --runs 20000 --seed 7`): the same generators
// and checks as test/route-fuzz.test.ts, against a real server with access control on and a model of every backend.
import { parseArgs } from 'node:util';
import { ADMIN_KEY } from '../test/helpers/access-kit.js';
import { fuzzRoutes } from '../test/helpers/route-fuzz/fuzz-routes.js';
import { startFuzzTarget } from '../test/helpers/route-fuzz/fuzz-target.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) } },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: fuzz-routes [--runs N (total requests, default 20000)] [--seed S]');
  process.exit(2);
}

const { server, routes, close } = await startFuzzTarget();
const runsPerRoute = Math.max(1, Math.ceil(runs / routes.length));
console.log(`fuzzing ${routes.length} routes, ${runsPerRoute} requests each, seed ${seed}`);
const started = Date.now();
try {
  const report = await fuzzRoutes(server.url, routes, {
    seed, runsPerRoute, adminKey: ADMIN_KEY,
    progress: (route, failed, counts) => console.log(`${failed ? 'FAIL' : 'ok  '} ${route.method} ${route.url}  ${statusList(counts)}`),
  });
  console.log(`\n${report.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${statusList(report.statuses)}`);
  for (const failure of report.failures) console.log(`\n${failure}`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
} finally {
  await close();
}

function statusList(counts: ReadonlyMap<number, number>): string {
  return [...counts].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
}
