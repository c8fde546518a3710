import { spawn } from 'node:child_process';
import { boundedSignal } from './bounded-signal.js';

export interface CommandCall {
  /** The program, then its arguments: run as is, never through a shell. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** Output kept for the run's summary: the end of stdout and stderr together, where errors usually are. */
export const OUTPUT_TAIL_CHARS = 2000;

/**
 * Runs the command (spawn without a shell: execFile's semantics, but only the output's tail is kept,
 * so a chatty training script is neither cut off at a buffer limit nor held in memory whole). Exit
 * status 0 resolves to `exit 0` and the output's tail; anything else throws with the status and the
 * tail. The timeout or shutdown kills it with SIGTERM.
 */
export function runCommand(call: CommandCall): Promise<string> {
  const [program = '', ...args] = call.argv;
  const bounded = boundedSignal(call.signal, call.timeoutMs, `command '${program}'`);
  return new Promise<string>((resolve, reject) => {
    let tail = '';
    const keep = (chunk: Buffer) => { tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS); };
    const child = spawn(program, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], signal: bounded.signal, windowsHide: true });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const withTail = (head: string) => (tail.trim() === '' ? head : `${head}\n${tail.trimEnd()}`);
    child.once('error', (error: NodeJS.ErrnoException) => {
      // An abort also reports an error here; the close that follows carries the outcome.
      if (error.name !== 'AbortError') reject(new Error(`cannot run '${program}': ${error.code ?? error.message}`));
    });
    child.once('close', (code, signal) => {
      const stopped = bounded.reason();
      if (stopped) reject(new Error(withTail(stopped.message)));
      else if (code === 0) resolve(withTail('exit 0'));
      else reject(new Error(withTail(code === null ? `killed by ${signal ?? 'a signal'}` : `exit ${code}`)));
    });
  }).finally(() => bounded.dispose());
}
