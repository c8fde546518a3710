import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Jiffies the machine spent busy and in all, from the first line of /proc/stat (Linux). */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

/**
 * Measures how many cores the whole machine kept busy (every process, other tenants included)
 * while `work` ran, from `skipMs` after its start (its warm-up): on a shared machine, the figure that
 * says how much a run was disturbed. NaN where /proc/stat cannot be read.
 */
export async function withMachineBusy<T>(skipMs: number, work: () => Promise<T>): Promise<{ result: T; machineBusyCores: number }> {
  let before: CpuTimes | undefined;
  const timer = setTimeout(() => { before = readCpuTimes(); }, skipMs);
  const result = await work().finally(() => clearTimeout(timer));
  return { result, machineBusyCores: busyCoresSince(before) };
}

/** Cores the whole machine kept busy since `before` was read; NaN when either reading is missing. */
export function busyCoresSince(before: CpuTimes | undefined): number {
  const after = readCpuTimes();
  if (!before || !after || after.total <= before.total) return Number.NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * availableParallelism();
}

export function readCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: total - idle - iowait, total };
  } catch {
    return undefined;
  }
}
