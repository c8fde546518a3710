import type { Registry } from '../../registry/registry.js';
import { taskOf, type Task } from '../features/summarize-prediction.js';

/** What live quality and feedback need to know of the version that answered. */
export interface VersionTask {
  /** Its task; undefined when the manifest declares none and names no class labels. */
  readonly task: Task | undefined;
  /** The class names of a classifier's task output, when the manifest gives them. */
  readonly classNames?: readonly string[];
}

/**
 * The task of each version, read from its manifest in the registry once: versions are immutable.
 * A version the registry does not know (a remote model's own version name, a version deleted since)
 * has no task.
 */
export class VersionTasks {
  private readonly known = new Map<string, VersionTask>();

  constructor(private readonly registry: Pick<Registry, 'getVersion'>) {}

  async of(model: string, version: string): Promise<VersionTask> {
    const key = `${model}\u0000${version}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const number = /^\d{1,9}$/.test(version) ? Number(version) : undefined;
    const record = number === undefined ? undefined : await this.registry.getVersion(model, number);
    if (!record) return { task: undefined };
    const task = taskOf(record.manifest);
    const output = task?.output ?? record.manifest.outputs?.[0]?.name;
    const classNames = output === undefined ? undefined : record.manifest.labels[output];
    const found: VersionTask = { task, ...(classNames ? { classNames } : {}) };
    this.known.set(key, found);
    return found;
  }
}
