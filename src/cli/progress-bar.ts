/** Where a progress bar draws: stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Progress of one transfer of a known number of bytes. */
export interface Progress {
  /** Counts `bytes` more as done. */
  advance(bytes: number): void;
  /** Draws the state reached (complete or not) and ends the line. */
  finish(): void;
}

const WIDTH = 24;
const REDRAW_MS = 100;
const NO_PROGRESS: Progress = { advance() {}, finish() {} };

/**
 * A one-line progress bar redrawn with `\r`: label, bar, percent, MB done of total. Draws only on a
 * terminal (a pipe or a file gets nothing), at most every 100 ms.
 */
export function progressBar(label: string, total: number, stream: ProgressStream = process.stderr): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  let done = 0;
  let drawnAt = 0;
  const draw = () => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${megabytes(done)}/${megabytes(total)} MB`);
    drawnAt = Date.now();
  };
  draw();
  return {
    advance(bytes) {
      done += bytes;
      if (Date.now() - drawnAt >= REDRAW_MS) draw();
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}
