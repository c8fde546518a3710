import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import type { ModelHost } from '../inference/model-host.js';
import { modelConfigToManifest } from '../model/manifest-config.js';
import { modelConfigSchema, type ModelConfig } from '../model/model-config.js';
import { remoteDescriptor } from '../model/remote-descriptor.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import { CHAMPION, type Actor, type Registry } from '../registry/registry.js';
import { registerVersion } from './register-version.js';

/** A remote model's endpoint as model.yaml and the policy write it. */
export type Endpoint = Pick<ModelConfig, 'backend' | 'kserve' | 'openai' | 'resilience'>;

export interface EndpointDeps {
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly host: ModelHost;
}

/**
 * Makes `endpoint` the champion of a remote model: a remote version's artifact is its endpoint, so
 * a different one is a new version (or the earlier version with that same endpoint), and the
 * champion moves to it through the audit log like any promotion. Resolves the version that is
 * champion now and whether it moved. Its servers need not be up.
 */
export async function makeEndpointChampion(deps: EndpointDeps, name: string, endpoint: Endpoint, actor: Actor): Promise<{ version: number; moved: boolean }> {
  const config = modelConfigSchema.parse({ backend: endpoint.backend, kserve: endpoint.kserve, openai: endpoint.openai, resilience: endpoint.resilience });
  const artifact = await deps.artifacts.put(Readable.from([remoteDescriptor(config)]));
  const versions = await deps.registry.listVersions(name).catch(() => []);
  const model = await deps.registry.getModel(name);
  const champion = versions.find((v) => v.version === model?.aliases[CHAMPION]);
  if (champion && champion.artifactSha256 === artifact.sha256) return { version: champion.version, moved: false };
  const version = versions.find((v) => v.artifactSha256 === artifact.sha256)?.version ?? await register(deps, name, artifact, config, actor);
  await deps.registry.setAlias(name, CHAMPION, version, actor);
  return { version, moved: true };
}

/** The endpoint the model's champion serves, read back from its artifact; undefined for a model with no remote champion. */
export async function championEndpoint(deps: Pick<EndpointDeps, 'registry' | 'artifacts'>, name: string): Promise<Endpoint | undefined> {
  const model = await deps.registry.getModel(name);
  const number = model?.aliases[CHAMPION] ?? model?.latestVersion ?? undefined;
  const version = number === undefined || number === null ? undefined : await deps.registry.getVersion(name, number);
  if (!version || version.manifest.backend === 'onnx') return undefined;
  const descriptor = JSON.parse(await readFile(deps.artifacts.path(version.artifactSha256), 'utf8')) as Record<string, unknown>;
  return { backend: version.manifest.backend, [version.manifest.backend]: descriptor[version.manifest.backend], resilience: descriptor.resilience } as Endpoint;
}

/** Registers an endpoint as a version; when another replica just did, that version. */
async function register(deps: EndpointDeps, name: string, artifact: { sha256: string; size: number }, config: ModelConfig, actor: Actor): Promise<number> {
  try {
    return (await registerVersion(deps, name, artifact, modelConfigToManifest(config), actor, { trialLoad: false })).version;
  } catch (error) {
    if (!isUmbralError(error) || error.code !== Errors.duplicateVersion.code) throw error;
    const existing = (await deps.registry.listVersions(name)).find((v) => v.artifactSha256 === artifact.sha256);
    if (!existing) throw error;
    return existing.version;
  }
}
