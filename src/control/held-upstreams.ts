import type { UpstreamControl } from '../backends/backend.js';
import type { ModelHost } from '../inference/model-host.js';

/** A loaded remote model version and its server group. */
export interface HeldUpstream {
  readonly model: string;
  readonly version: string;
  readonly control: UpstreamControl;
}

/** Every loaded remote version in this process with its server group. */
export function heldUpstreams(host: Pick<ModelHost, 'list'>): HeldUpstream[] {
  return host.list().flatMap((hosted) => [...hosted.states].flatMap(([version, state]) => {
    const control = state.status === 'ready' ? state.version.loaded.upstream : undefined;
    return control ? [{ model: hosted.plan.name, version, control }] : [];
  }));
}
