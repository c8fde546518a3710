import { isUmbralError } from '../errors/umbral-error.js';
import { UMBRAL_VERSION } from '../version.js';
import { ClientError } from './client-error.js';
import { parseCommand } from './parse-args.js';
import { USAGE } from './usage.js';

const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') return print(USAGE);
  if (command.kind === 'version') return print(UMBRAL_VERSION);
  // Loaded on demand: a client command need not load the server (ONNX Runtime, the store), nor help either.
  if (command.kind === 'models') {
    const { runModelsCommand } = await import('./run-models-command.js');
    return runModelsCommand(command, { stdout: print, progress: process.stderr });
  }
  if (command.kind === 'keys') {
    const { runKeysCommand } = await import('./run-keys-command.js');
    return runKeysCommand(command, { stdout: print, stderr: (text) => console.error(text) });
  }
  if (command.kind === 'users') {
    const { runUsersCommand } = await import('./run-users-command.js');
    const { newPasswordEnvironment } = await import('../config/client-config.js');
    return runUsersCommand(command, { stdout: print, env: newPasswordEnvironment(), stdin: process.stdin });
  }
  if (command.kind === 'jobs') {
    const { runJobsCommand } = await import('./run-jobs-command.js');
    return runJobsCommand(command, print);
  }
  if (command.kind === 'rollout') {
    const { runRolloutCommand } = await import('./run-rollout-command.js');
    return runRolloutCommand(command, print);
  }
  if (command.kind === 'notifications') {
    const { runNotificationsCommand } = await import('./run-notifications-command.js');
    return runNotificationsCommand(command, print);
  }
  if (command.kind === 'predictions') {
    const { runPredictionsCommand } = await import('./run-predictions-command.js');
    return runPredictionsCommand(command, process.stdout);
  }
  if (command.kind === 'eval' || command.kind === 'datasets') {
    const { runEvalCommand, runDatasetsCommand } = await import('./run-eval-command.js');
    return command.kind === 'eval' ? runEvalCommand(command, print) : runDatasetsCommand(command, print);
  }
  if (command.kind === 'backup' || command.kind === 'restore') {
    const { runBackupCommand } = await import('./backup-command.js');
    return runBackupCommand(command, print);
  }
  if (command.kind === 'migrate') {
    const { migrateCommand } = await import('./migrate-command.js');
    return migrateCommand(command.configFile, print);
  }
  const { serve } = await import('./serve.js');
  return serve(command);
}

function print(text: string): number {
  console.log(text);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (isUmbralError(error) && (error.code === 'UMBRAL_ERR_USAGE' || error.code === 'UMBRAL_ERR_CONFIG_INVALID')) {
      console.error(`umbral: ${error.message}`);
      process.exitCode = EXIT_USAGE;
    } else if (error instanceof ClientError) {
      for (const line of error.describe()) console.error(`umbral: ${line}`);
      process.exitCode = 1;
    } else {
      console.error('umbral: failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  },
);
