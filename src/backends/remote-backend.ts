import type { z } from 'zod';
import type { RemoteBackendKind } from '../model/backend-kind.js';
import type { ResiliencePolicy } from '../resilience/resilience-policy.js';
import { UpstreamGroup } from '../resilience/upstream-group.js';
import type { UpstreamObserver } from '../resilience/upstream-observer.js';
import type { Backend, LoadedModel, LoadRequest } from './backend.js';
import { readRemoteArtifact } from './read-remote-artifact.js';

/** The client of one remote server, as a version's server group holds it. */
export interface RemoteClient {
  /** Closes its connections (its server left the group, or the version was released). */
  close(): Promise<void>;
}

/** A version of a remote model being loaded: its name and its artifact, checked. */
export interface RemoteVersion<D> {
  readonly model: string;
  /** The kind's section of model.yaml, checked by its schema. */
  readonly descriptor: D;
  readonly policy: ResiliencePolicy;
}

/** How one version reaches its servers, and what it serves over them. */
export interface RemoteEndpoint<C extends RemoteClient> {
  /** The servers' addresses, as the descriptor lists them. */
  readonly servers: readonly string[];
  /** Makes the client of one server; throws, saying what form the address needs, for one it cannot reach. */
  connect(url: string): C;
  /** Resolves true when the server's own ready endpoint says ready; false or a rejection otherwise. */
  healthCheck(client: C, signal: AbortSignal): Promise<boolean>;
  /**
   * The loaded version over its server group; may call the servers through it (kserve reads the
   * signature). Its own `release` must call `release`, which closes the group. Rejecting closes it too.
   */
  open(group: UpstreamGroup<C>, release: () => Promise<void>): Promise<LoadedModel>;
}

/** What a remote backend kind brings: its descriptor, and its endpoint built from one. */
export interface RemoteKind<D, C extends RemoteClient> {
  readonly kind: RemoteBackendKind;
  /** Its section of model.yaml (`kserve:`, `openai:`), checked at every load. */
  readonly descriptorSchema: z.ZodType<D>;
  /**
   * The endpoint of one version; throws UMBRAL_ERR_MODEL_LOAD_FAILED for a descriptor that cannot
   * serve here (an API key variable that is not set).
   */
  endpoint(version: RemoteVersion<D>): RemoteEndpoint<C>;
}

/**
 * A backend that serves from remote servers, whatever the protocol: a load reads the version's
 * artifact (its descriptor and resilience policy), makes one server group over the descriptor's
 * servers (or those the load names, from the model's policy) with the kind's clients, reporting to the observer, and hands it to the kind's endpoint;
 * releasing the version closes the group. A new remote kind is its client, its descriptor and a
 * RemoteKind.
 */
export class RemoteBackend<D, C extends RemoteClient> implements Backend {
  readonly kind: RemoteBackendKind;
  readonly #live = new Set<UpstreamGroup<C>>();

  constructor(private readonly remote: RemoteKind<D, C>, private readonly observer?: UpstreamObserver) {
    this.kind = remote.kind;
  }

  async load({ model, artifactPath, servers }: LoadRequest): Promise<LoadedModel> {
    const { descriptor, policy } = await readRemoteArtifact(model, artifactPath, this.remote.kind, this.remote.descriptorSchema);
    const endpoint = this.remote.endpoint({ model, descriptor, policy });
    const group = new UpstreamGroup<C>({
      // The model's policy may list other servers than the version was registered with: those serve.
      name: model, servers: servers ?? endpoint.servers, policy,
      connect: (url) => endpoint.connect(url),
      disconnect: (client) => client.close(),
      healthCheck: (client, signal) => endpoint.healthCheck(client, signal),
      ...(this.observer ? { observer: this.observer } : {}),
    });
    this.#live.add(group);
    const release = async () => {
      this.#live.delete(group);
      await group.close();
    };
    try {
      return await endpoint.open(group, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Closes the groups of versions not released (a shutdown that skipped a release must not leak sockets). */
  async close(): Promise<void> {
    const groups = [...this.#live];
    this.#live.clear();
    await Promise.all(groups.map((group) => group.close()));
  }
}
