import { parseArgs } from 'node:util';
import { Errors } from '../errors/catalogue.js';

/** `umbral backup --out DIR` and `umbral restore DIR [--force]`; the store comes from the configuration, as for serve. */
export type BackupCommand =
  | { readonly kind: 'backup'; readonly configFile?: string; readonly out: string }
  | { readonly kind: 'restore'; readonly configFile?: string; readonly from: string; readonly force: boolean };

export function parseBackupCommand(command: 'backup' | 'restore', args: readonly string[]): BackupCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args], strict: true, allowPositionals: true,
      options: { config: { type: 'string' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' } },
    });
  } catch (error) {
    throw Errors.usage(`${(error as Error).message.split('\n')[0]}; run umbral --help`);
  }
  const { values, positionals } = parsed;
  if (command === 'backup') {
    if (values.force !== undefined || positionals.length > 0) throw Errors.usage('umbral backup takes --out DIR (and --config FILE) only; run umbral --help');
    if (values.out === undefined || values.out === '') throw Errors.usage('umbral backup needs --out DIR: the new directory to write the backup to');
    return { kind: 'backup', configFile: values.config, out: values.out };
  }
  if (values.out !== undefined) throw Errors.usage('umbral restore takes the backup directory as its argument, not --out; run umbral --help');
  const [from, ...extra] = positionals;
  if (from === undefined || extra.length > 0) throw Errors.usage('umbral restore needs one argument: the backup directory umbral backup wrote');
  return { kind: 'restore', configFile: values.config, from, force: values.force ?? false };
}
