import { loadClientConfig } from '../config/client-config.js';
import { isUmbralError } from '../errors/umbral-error.js';
import { AdminClient, modelPath } from './admin-client.js';
import { ClientError } from './client-error.js';
import type { ModelsAction, ModelsCommand } from './parse-models-args.js';
import type { ProgressStream } from './progress-bar.js';
import { pushModel } from './push-model.js';
import { readPolicyFile, renderPolicy, type PolicyJson } from './policy-file.js';
import { renderAbReport, type AbReportJson } from './render-ab-report.js';
import {
  renderAliases, renderHistory, renderModel, renderModelList, renderVersion,
  type HistoryEntryJson, type ModelJson, type VersionJson,
} from './render-models.js';

/** Where a command writes: its result on stdout, progress on stderr. */
export interface CommandOutput {
  stdout(text: string): void;
  readonly progress: ProgressStream;
}

/** What an action got from the server, and how to show it to people. */
interface Outcome {
  /** The server's JSON document, printed as-is with `--json`. */
  readonly document: unknown;
  readonly render: () => Promise<string> | string;
}

/**
 * Runs one `umbral models …` command against the server and prints the outcome. Failures throw a
 * ClientError (exit 1); catalogue errors found locally are turned into one, usage and configuration
 * errors are left for the caller (exit 2).
 */
export async function runModelsCommand(command: ModelsCommand, output: CommandOutput): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  let outcome: Outcome;
  try {
    outcome = await perform(client, command.action, output);
  } catch (error) {
    if (isUmbralError(error) && error.code !== 'UMBRAL_ERR_USAGE' && error.code !== 'UMBRAL_ERR_CONFIG_INVALID') {
      throw new ClientError(error.message, error.code, undefined, { cause: error });
    }
    throw error;
  }
  output.stdout(command.json ? JSON.stringify(outcome.document, null, 2) : await outcome.render());
  return 0;
}

async function perform(client: AdminClient, action: ModelsAction, output: CommandOutput): Promise<Outcome> {
  switch (action.name) {
    case 'push': {
      const version = await pushModel(client, action, output.progress) as VersionJson;
      return { document: version, render: () => renderVersion(version, action.alias) };
    }
    case 'list': {
      const document = await client.json('GET', '/admin/models') as { models?: ModelJson[] } | undefined;
      return { document, render: () => renderModelList(document?.models ?? []) };
    }
    case 'show': {
      const model = await client.json('GET', modelPath(action.model)) as ModelJson;
      return { document: model, render: async () => renderModel(model, model.versions ?? await listVersions(client, action.model)) };
    }
    case 'alias': {
      const force = action.force ? { force: true, reason: action.force.reason } : {};
      const model = await client.json('PUT', modelPath(action.model, 'aliases', action.alias), { version: action.version, ...force }) as ModelJson;
      return { document: model, render: () => renderAliases(model) };
    }
    case 'promote': case 'rollback': {
      const body = action.name === 'promote' && action.force ? { force: true, reason: action.force.reason } : undefined;
      const model = await client.json('POST', modelPath(action.model, action.name), body) as ModelJson;
      return { document: model, render: () => renderAliases(model) };
    }
    case 'policy': {
      const path = modelPath(action.model, 'policy');
      const document = (action.file !== undefined ? await client.json('PUT', path, readPolicyFile(action.file))
        : action.patch !== undefined ? await client.mergePatch(path, action.patch)
          : await client.json('GET', path)) as PolicyJson;
      return { document, render: () => renderPolicy(document) };
    }
    case 'ab-report': {
      const query = action.window === undefined ? '' : `?window=${encodeURIComponent(action.window)}`;
      const document = await client.json('GET', `${modelPath(action.model, 'ab-report')}${query}`) as AbReportJson;
      return { document, render: () => renderAbReport(document) };
    }
    case 'history': {
      const query = action.limit === undefined ? '' : `?limit=${action.limit}`;
      const document = await client.json('GET', `${modelPath(action.model, 'history')}${query}`) as { entries?: HistoryEntryJson[] } | undefined;
      return { document, render: () => renderHistory(document?.entries ?? []) };
    }
  }
}

/** Versions of a model, newest first; the server answers `{"versions": […]}` or a bare array. */
async function listVersions(client: AdminClient, model: string): Promise<VersionJson[]> {
  const document = await client.json('GET', modelPath(model, 'versions')) as { versions?: VersionJson[] } | VersionJson[] | undefined;
  return Array.isArray(document) ? document : document?.versions ?? [];
}
