import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { loadClientConfig } from '../config/client-config.js';
import { AdminClient, modelPath } from './admin-client.js';
import type { PredictionsCommand } from './parse-predictions-args.js';

const ACCEPT = { jsonl: 'application/x-ndjson', csv: 'text/csv' } as const;

/**
 * `umbral predictions export`: streams the server's export to stdout, or to `--output FILE` (written
 * as FILE.partial and renamed when complete, so that a cut export never passes for a whole one).
 */
export async function runPredictionsCommand(command: PredictionsCommand, stdout: Writable): Promise<number> {
  const { action } = command;
  const client = new AdminClient(loadClientConfig(command.client));
  const query = new URLSearchParams({ format: action.format });
  if (action.from !== undefined) query.set('from', action.from);
  if (action.to !== undefined) query.set('to', action.to);
  if (action.version !== undefined) query.set('version', action.version);
  const body = await client.download(`${modelPath(action.model, 'predictions')}?${query}`, ACCEPT[action.format]);
  if (action.output === undefined) {
    await pipeline(body, stdout, { end: false });
    return 0;
  }
  const partial = `${action.output}.partial`;
  try {
    await pipeline(body, createWriteStream(partial));
    await rename(partial, action.output);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return 0;
}
