import type { Job } from './job.js';
import type { JobDefinition } from './job-definition.js';
import { runCommand } from './run-command.js';
import { runWebhook } from './run-webhook.js';

/** The Job an operator's definition runs: its webhook call or its command, bounded by `timeoutMs`. */
export function operatorJob(definition: JobDefinition, timeoutMs: number): Job {
  const { name, schedule, model, action } = definition;
  const description = definition.description || ('webhook' in action ? 'calls a webhook' : `runs ${action.command[0] ?? ''}`);
  return {
    name, schedule, description, ...(model === undefined ? {} : { model }),
    run: ({ due, signal }) => ('webhook' in action
      ? runWebhook({ ...action.webhook, body: { job: name, due: due.toISOString(), model: model ?? null }, timeoutMs, signal })
      : runCommand({ argv: action.command, timeoutMs, signal })),
  };
}
