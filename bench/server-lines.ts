import type { ChildProcess } from 'node:child_process';

/** Calls `onLine` with every non-empty line a child writes to stdout or stderr (piped). */
export function onOutputLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    let pending = '';
    stream?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.length > 0) onLine(line);
    });
  }
}

/**
 * Keeps the last `keep` lines of a child's output (to show when it fails) and echoes the first
 * `echo` of them to stderr, prefixed.
 */
export function collectTail(child: ChildProcess, keep: number, echo: number, prefix = '[umbral]'): string[] {
  const tail: string[] = [];
  let echoed = 0;
  onOutputLines(child, (line) => {
    tail.push(line);
    if (tail.length > keep) tail.shift();
    if (echoed++ < echo) console.error(`${prefix} ${line.slice(0, 500)}`);
  });
  return tail;
}

/**
 * Rejects with the line when the CLI reports a fatal error (`umbral: …` on stderr): a server that
 * failed to start may not exit (open handles), and waiting for its exit would take the whole timeout.
 */
export function fatalLine(child: ChildProcess): Promise<never> {
  const fatal = new Promise<never>((_, reject) => {
    child.stderr?.setEncoding('utf8');
    let pending = '';
    child.stderr?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      const line = lines.find((l) => l.startsWith('umbral: '));
      if (line !== undefined) reject(new Error(line));
    });
  });
  fatal.catch(() => undefined); // only matters while raced
  return fatal;
}
