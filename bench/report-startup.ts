import type { BenchResults } from './bench-results.js';
import { formatCores, formatMiB, formatMs, formatSeconds } from './format.js';
import { median } from './latency-summary.js';
import { table } from './report-table.js';
import type { TimedStart } from './timed-start.js';

/** RESULTS.md's section on start-up time and the embedded store's memory. */
export function startupSection(results: BenchResults): string[] {
  const { first, existing, storeOpens } = results.startup;
  const startRow = (label: string, start: TimedStart) => [
    label, formatSeconds(start.readyMs), formatSeconds(start.loggedMs), formatMiB(start.rssBytes),
    formatCores(start.serverCpuSeconds / (start.readyMs / 1000)),
    formatCores(start.machineBusyCores - start.serverCpuSeconds / (start.readyMs / 1000)),
  ];
  const added = storeOpens.map((o) => o.rssAfterBytes - o.rssBeforeBytes);
  const openRows = storeOpens.map((o, k) => [
    String(k + 1), formatMiB(o.rssBeforeBytes), formatMiB(o.rssAfterBytes), formatMiB(o.rssAfterBytes - o.rssBeforeBytes), formatMs(o.openMs),
  ]);
  return ['## Start-up and the embedded store (PGlite)', '',
    '`umbral serve --port 0` on a model repository holding only spam-classifier, log level info, no DATABASE_URL (so the '
      + 'embedded store in UMBRAL_DATA_DIR), each start in a fresh process and stopped before the next:', '',
    table(['start', 'spawn → first 200 of /v2/health/ready, s', 'spawn → "umbral is serving" (the log line\'s own time), s',
      'server RSS right after, MiB', 'server CPU (cores)', 'everything else on the machine (cores)'], [
      startRow('1: new data directory', first),
      ...existing.map((s, k) => startRow(`${k + 2}: existing data directory`, s)),
      ['median of the starts with an existing directory', formatSeconds(median(existing.map((s) => s.readyMs))),
        formatSeconds(median(existing.map((s) => s.loggedMs))), formatMiB(median(existing.map((s) => s.rssBytes))), '', ''],
    ]), '',
    'CPU from the spawn to the first 200, in cores: the server process\'s own (every thread, and initdb\'s child process on the '
      + `first start; /proc/PID/stat), and everything else the ${results.machine.cores}-core machine did meanwhile (/proc/stat): `
      + 'the orchestrator\'s polling and any other tenant. A start slowed by another tenant shows there.', '',
    `The store alone: a process that imports \`openDatabase()\` and opens the existing directory (${storeOpens.length} times, `
      + 'each in a fresh process); RSS from `process.memoryUsage()` just before and just after the open:', '',
    table(['open', 'RSS before, MiB', 'RSS after, MiB', 'added by the store, MiB', 'open ms'], [
      ...openRows,
      ['median', '', '', formatMiB(median(added)), formatMs(median(storeOpens.map((o) => o.openMs)))],
    ]), '',
    `Resident memory the embedded store adds: **${formatMiB(median(added))} MiB** (median); the whole server with `
      + `spam-classifier loaded: ${formatMiB(median(existing.map((s) => s.rssBytes)))} MiB.`, '',
    '**What was done about it.** PGlite keeps PostgreSQL\'s shared buffers inside its WebAssembly heap, so they are resident '
      + 'memory of the server: umbral starts it with `shared_buffers=16MB` instead of the 128 MB initdb writes (the registry\'s '
      + 'working set is a few hundred kilobytes). Its author measured ~125 MB added after the open that way, against ~245 MB with '
      + 'PGlite\'s defaults, and an open of ~0.36–0.68 s; below 16 MB nothing measurable is saved (the floor is PGlite\'s fixed '
      + '128 MB WebAssembly heap). A new data directory is initialised (initdb, 3–7 s) in a child process, so initdb\'s 600+ MB '
      + `peak never stays in the server: in this run the first start's server held ${formatMiB(first.rssBytes)} MiB right after `
      + `start, against ${formatMiB(median(existing.map((s) => s.rssBytes)))} MiB on the existing directory.`, ''];
}
