import type { RepositoryControl } from '../backend.js';
import { toCatalogueError } from '../../resilience/to-catalogue-error.js';
import type { KserveClient } from './kserve-client.js';

type Entry = Awaited<ReturnType<RepositoryControl['index']>>[number];

/**
 * Triton's model repository extension across a group: the index of every server, and a load or
 * unload sent to every server (a model must be loaded wherever requests may go). A change that
 * fails on any server throws, naming those servers; the others keep the change.
 */
export function kserveRepository(model: string, clients: () => Array<{ url: string; client: KserveClient }>): RepositoryControl {
  const onEvery = async <T>(work: (client: KserveClient) => Promise<T>): Promise<Array<{ url: string; value: T }>> => {
    const results = await Promise.allSettled(clients().map(async ({ url, client }) => ({ url, value: await work(client) })));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ url: clients()[i]?.url, reason: r.reason as unknown }] : []));
    if (failed.length > 0) {
      const first = toCatalogueError(model, failed[0]?.reason);
      first.message = `${failed.map((f) => f.url).join(', ')}: ${first.message}`;
      throw first;
    }
    return results.map((r) => (r as PromiseFulfilledResult<{ url: string; value: T }>).value);
  };
  return {
    async index(signal) {
      const answers = await onEvery((client) => client.repositoryIndex(signal));
      return answers.flatMap(({ url, value }) => value.map((entry): Entry => ({
        server: url, name: String(entry.name ?? ''),
        ...(entry.version ? { version: String(entry.version) } : {}),
        ...(entry.state ? { state: String(entry.state) } : {}),
        ...(entry.reason ? { reason: String(entry.reason) } : {}),
      })));
    },
    async load(name, signal) {
      await onEvery((client) => client.repositoryChange(name, 'load', signal));
    },
    async unload(name, signal) {
      await onEvery((client) => client.repositoryChange(name, 'unload', signal));
    },
  };
}
