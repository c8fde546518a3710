import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import type { ModelHost } from '../inference/model-host.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import type { SeedNote } from './build-plan.js';
import { hashFile } from '../registry/hash-file.js';
import { modelConfigToManifest } from '../model/manifest-config.js';
import { makeEndpointChampion } from './remote-endpoint.js';
import type { ModelConfig } from '../model/model-config.js';
import { readModelRepository, type ModelDefinition } from './model-repository.js';
import { registerVersion } from './register-version.js';
import { CHAMPION, type Registry } from '../registry/registry.js';

const SYSTEM = 'system';

/**
 * Imports the on-disk model repository into the registry at start: every version file whose bytes
 * are not yet a version of its model becomes the next version (in disk order), and a model without a
 * champion gets its highest version as champion. model.yaml seeds the model's policy: written when
 * the file's policy keys changed since they last did, so that changes made through the admin API
 * stand until model.yaml itself changes. Returns, per model found on disk, why it could not be
 * imported (if so) and its model.yaml policy; a broken model never stops the others.
 */
export async function seedRegistry(
  deps: { registry: Registry; artifacts: ArtifactStore; host: ModelHost; logger: Logger },
  dir: string,
): Promise<Map<string, SeedNote>> {
  const notes = new Map<string, SeedNote>();
  for (const definition of readModelRepository(dir)) {
    const remote = definition.config !== undefined && definition.config.backend !== 'onnx';
    const problem = definition.problem ?? await (remote ? importRemoteModel(deps, definition) : importModel(deps, definition));
    if (definition.config !== undefined) await seedPolicy(deps, definition);
    notes.set(definition.name, { ...(problem ? { problem } : {}), policy: definition.policy });
  }
  return notes;
}

/** Writes model.yaml's policy into the registry when the file's policy changed; a model not in the registry has none to write. */
async function seedPolicy(deps: Parameters<typeof seedRegistry>[0], definition: ModelDefinition): Promise<void> {
  try {
    if (!(await deps.registry.getModel(definition.name))) return;
    await deps.registry.seedPolicy(definition.name, definition.policy, definition.policySha256, SYSTEM);
  } catch (error) {
    deps.logger.error({ model: definition.name, err: error }, 'the policy in model.yaml could not be stored; the model serves with its stored policy');
  }
}

async function importModel(deps: Parameters<typeof seedRegistry>[0], definition: ModelDefinition): Promise<string | undefined> {
  const { registry, artifacts, logger } = deps;
  const manifest = modelConfigToManifest(definition.config as NonNullable<ModelDefinition['config']>);
  const known = new Set((await registry.listVersions(definition.name).catch(() => [])).map((v) => v.artifactSha256));
  const problems: string[] = [];
  for (const file of [...definition.versions].reverse()) {
    try {
      // Hashing reads the file once; only bytes the store lacks are copied in (and checked on the way).
      const sha256 = await hashFile(file.artifactPath);
      if (known.has(sha256)) continue;
      const artifact = (await artifacts.has(sha256))
        ? { sha256, size: (await stat(file.artifactPath)).size }
        : await artifacts.put(createReadStream(file.artifactPath), sha256);
      const record = await registerVersion(deps, definition.name, artifact, manifest, SYSTEM);
      known.add(sha256);
      logger.info({ model: definition.name, version: record.version, from: file.artifactPath }, 'imported model version from disk');
    } catch (error) {
      // Another replica starting at the same moment imported the same file first: it is there.
      if (isUmbralError(error) && error.code === Errors.duplicateVersion.code) continue;
      problems.push(`version ${file.version} on disk (${file.artifactPath}) cannot be imported: ${(error as Error).message}`);
    }
  }
  const model = await registry.getModel(definition.name);
  if (model && model.aliases[CHAMPION] === undefined && model.latestVersion !== null) {
    await registry.setAlias(definition.name, CHAMPION, model.latestVersion, SYSTEM);
  }
  for (const problem of problems) logger.error({ model: definition.name, reason: problem }, 'model version not imported');
  return model?.latestVersion == null && problems.length > 0 ? problems.join('; ') : undefined;
}

/**
 * A remote model's model.yaml is the authority on its endpoint: when the endpoint differs from the
 * champion's, it becomes a version (new, or the earlier one with the same endpoint) and the champion
 * moves to it, through the audit log like any promotion. Its servers need not be up now.
 */
async function importRemoteModel(deps: Parameters<typeof seedRegistry>[0], definition: ModelDefinition): Promise<string | undefined> {
  const config = definition.config as ModelConfig;
  try {
    const { version, moved } = await makeEndpointChampion(deps, definition.name, config, SYSTEM);
    if (moved) deps.logger.info({ model: definition.name, version, backend: config.backend }, 'remote endpoint from model.yaml is the champion');
    return undefined;
  } catch (error) {
    return `its endpoint cannot be registered: ${(error as Error).message}`;
  }
}
