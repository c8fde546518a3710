import { once } from 'node:events';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import type { Config } from '../config/schema.js';

/** The rotated log file: pino-roll in a worker thread, beside standard output. */
export interface LogFile {
  /** Where the logger writes the file's lines (JSON, already redacted). */
  readonly stream: DestinationStream;
  /** Writes every line queued so far, closes the file and ends the worker thread. */
  close(): Promise<void>;
}

type LogSettings = Config['log'];

/** The date in a rotated file's name, by rotation period (date-fns patterns). */
const DATE_FORMAT = { daily: 'yyyy-MM-dd', hourly: 'yyyy-MM-dd-HH' } as const;

/**
 * Opens `log.file` through pino-roll (pinojs): a new file at `log.fileMaxBytes` and each day or hour,
 * the oldest removed past `log.fileKeep`, files of earlier runs included. Rejects when the directory
 * cannot be made or written to, so that a start with an unwritable log fails instead of logging nowhere.
 */
export async function openLogFile(settings: LogSettings): Promise<LogFile> {
  let stream: ReturnType<typeof pino.transport>;
  try {
    // pino-roll links current.log before its stream makes the directory: it must exist first.
    await mkdir(dirname(settings.file), { recursive: true });
    await access(dirname(settings.file), constants.W_OK);
    stream = pino.transport({ target: 'pino-roll', options: rollOptions(settings) });
    await once(stream, 'ready');
  } catch (error) {
    throw new Error(`log file ${settings.file}: ${(error as Error).message}`, { cause: error });
  }
  // A file that fails later (disk full) must not stop the server: said once on standard error, the
  // lines go on to standard output. Lines logged after close() are dropped without a word.
  let silent = false;
  stream.on('error', (error: Error) => {
    if (silent) return;
    silent = true;
    process.stderr.write(`umbral: log file ${settings.file} failed (${error.message}); logging to standard output only\n`);
  });
  return {
    stream,
    close: async () => {
      silent = true;
      const closed = once(stream, 'close');
      stream.end();
      await closed;
    },
  };
}

/** pino-roll's options for the settings; files readable by the owner and the group only (mode 640). */
function rollOptions(settings: LogSettings): Record<string, unknown> {
  const period = settings.fileRotate === 'off' ? {} : { frequency: settings.fileRotate, dateFormat: DATE_FORMAT[settings.fileRotate] };
  return {
    file: settings.file, mode: 0o640, symlink: true, size: `${settings.fileMaxBytes}b`, ...period,
    // removeOtherLogFiles: files of earlier runs count too, so that restarts do not pile up files.
    limit: { count: settings.fileKeep, removeOtherLogFiles: true },
  };
}
