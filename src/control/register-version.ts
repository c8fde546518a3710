import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import type { ModelHost } from '../inference/model-host.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import type { Manifest } from '../model/manifest.js';
import type { ServedSignature } from '../inference/served-signature.js';
import type { Actor, Registry, VersionRecord } from '../registry/registry.js';

/**
 * Registers an artifact already in the store as the model's next version: the artifact is loaded
 * once to prove it serves and agrees with its manifest (whose inputs and outputs are then stored in
 * full), and only then written to the registry. A failure leaves the registry unchanged. A remote
 * endpoint (`trialLoad: false`) is registered as declared: its servers need not be up at that moment.
 */
export async function registerVersion(
  deps: { registry: Registry; artifacts: ArtifactStore; host: ModelHost },
  model: string,
  artifact: { sha256: string; size: number },
  manifest: Manifest,
  actor: Actor,
  options: { trialLoad: boolean } = { trialLoad: true },
): Promise<VersionRecord> {
  const existing = (await deps.registry.listVersions(model).catch(() => [])).find((v) => v.artifactSha256 === artifact.sha256);
  if (existing) throw Errors.duplicateVersion(model, existing.version);
  if (!options.trialLoad) return deps.registry.addVersion(model, { artifactSha256: artifact.sha256, artifactSize: artifact.size, manifest }, actor);
  const planned = { version: 'candidate', artifactPath: deps.artifacts.path(artifact.sha256), manifest };
  const served = await deps.host.trialLoad(model, planned).catch((error: unknown) => {
    if (isUmbralError(error) && error.code === Errors.modelConfigInvalid.code) throw Errors.manifestInvalid([error.message]);
    throw Errors.artifactInvalid((error as Error).message);
  });
  return deps.registry.addVersion(model, {
    artifactSha256: artifact.sha256, artifactSize: artifact.size, manifest: completeManifest(manifest, served),
  }, actor);
}

/** The manifest as stored: every input and output in full, as the loaded artifact serves them. */
export function completeManifest(manifest: Manifest, served: ServedSignature): Manifest {
  const full = (specs: ServedSignature['signature']['inputs']) => specs.map(({ name, datatype, shape }) => ({ name, datatype, shape: [...shape] }));
  return { ...manifest, inputs: full(served.signature.inputs), outputs: full(served.signature.outputs) };
}
