import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of the times in /proc/PID/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds a process has used since it started, every thread, plus the children it has waited
 * for (utime + stime + cutime + cstime of /proc/PID/stat). NaN where that cannot be read.
 */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].map((index) => Number(fields[index]));
    return ticks.every(Number.isFinite) ? ticks.reduce((sum, t) => sum + t, 0) / CLOCK_TICKS_PER_SECOND : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
