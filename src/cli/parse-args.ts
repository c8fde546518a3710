import { parseArgs } from 'node:util';
import { Errors } from '../errors/catalogue.js';
import { parseBackupCommand, type BackupCommand } from './parse-backup-args.js';
import { parseKeysCommand, parseUsersCommand, type KeysCommand, type UsersCommand } from './parse-access-args.js';
import { parseModelsCommand, type ModelsCommand } from './parse-models-args.js';
import { parseJobsCommand, type JobsCommand } from './parse-jobs-args.js';
import { parseRolloutCommand, type RolloutCommand } from './parse-rollout-args.js';
import { parseNotificationsCommand, type NotificationsCommand } from './parse-notifications-args.js';
import { parsePredictionsCommand, type PredictionsCommand } from './parse-predictions-args.js';
import { parseDatasetsCommand, parseEvalCommand, type DatasetsCommand, type EvalCommand } from './parse-eval-args.js';

/** What the command line asks for. */
export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'serve'; readonly configFile?: string; readonly overrides: Readonly<Record<string, unknown>> }
  | { readonly kind: 'migrate'; readonly configFile?: string }
  | ModelsCommand
  | KeysCommand
  | UsersCommand
  | JobsCommand
  | RolloutCommand
  | NotificationsCommand
  | PredictionsCommand
  | EvalCommand
  | DatasetsCommand
  | BackupCommand;

/**
 * Parses argv (without node and the script). Unknown commands, unknown flags and flags without their
 * value throw UMBRAL_ERR_USAGE with a one-line message; values are checked later by the config schema.
 */
export function parseCommand(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { kind: 'help' };
  if (command === '--version' || command === '-v') return { kind: 'version' };
  if (command === 'models') return parseModelsCommand(rest);
  if (command === 'keys') return parseKeysCommand(rest);
  if (command === 'users') return parseUsersCommand(rest);
  if (command === 'jobs') return parseJobsCommand(rest);
  if (command === 'rollout') return parseRolloutCommand(rest);
  if (command === 'predictions') return parsePredictionsCommand(rest);
  if (command === 'eval') return parseEvalCommand(rest);
  if (command === 'datasets') return parseDatasetsCommand(rest);
  if (command === 'migrate') return parseMigrate(rest);
  if (command === 'notifications') return parseNotificationsCommand(rest);
  if (command === 'backup' || command === 'restore') return parseBackupCommand(command, rest);
  if (command !== 'serve') throw Errors.usage(`unknown command '${command}'; run umbral --help`);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' }, models: { type: 'string' }, host: { type: 'string' },
        port: { type: 'string' }, 'grpc-port': { type: 'string' }, strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        workers: { type: 'string' },
      },
    });
  } catch (error) {
    throw Errors.usage(`${(error as Error).message.split('\n')[0]}; run umbral --help`);
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  const overrides: Record<string, unknown> = {};
  if (values.models !== undefined) overrides['models.dir'] = values.models;
  if (values.host !== undefined) overrides['server.host'] = values.host;
  if (values.port !== undefined) overrides['server.port'] = /^\d+$/.test(values.port) ? Number(values.port) : values.port;
  const grpcPort = values['grpc-port'];
  if (grpcPort !== undefined) overrides['grpc.port'] = /^\d+$/.test(grpcPort) ? Number(grpcPort) : grpcPort;
  if (values.strict) overrides['models.strict'] = true;
  if (values.workers !== undefined) overrides['server.workers'] = /^\d+$/.test(values.workers) ? Number(values.workers) : values.workers;
  return { kind: 'serve', configFile: values.config, overrides };
}

/** `umbral migrate [--config FILE]`: the database settings come from the configuration, as for serve. */
function parseMigrate(args: readonly string[]): Command {
  try {
    const { values } = parseArgs({ args: [...args], strict: true, allowPositionals: false, options: { config: { type: 'string' } } });
    return { kind: 'migrate', configFile: values.config };
  } catch (error) {
    throw Errors.usage(`${(error as Error).message.split('\n')[0]}; run umbral --help`);
  }
}
