import { spawnSync } from 'node:child_process';

/** What a promtool run printed and how it ended (status null: it could not be started). */
export interface PromtoolRun {
  readonly status: number | null;
  readonly output: string;
}

/** Runs Prometheus's `promtool <args>`, with `input` on its standard input. */
export function promtool(args: readonly string[], input?: string): PromtoolRun {
  const result = spawnSync('promtool', args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return { status: result.error ? null : result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/**
 * Why a test that needs promtool skips on this machine, or undefined when it is here. CI installs it
 * (`.ci/run`: Debian's `prometheus` package).
 */
export const PROMTOOL_MISSING = promtool(['--version']).status === 0 ? undefined : 'promtool not found: apt-get install prometheus';
