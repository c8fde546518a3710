import type { KubeObject } from './kustomize.js';

/** The parts of rendered objects the Kubernetes tests read, typed as far as they read them. */

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  readonly grpc?: { readonly port: number; readonly service?: string };
  readonly periodSeconds?: number;
}

export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type: string };
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly containerPort: number }>;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: ReadonlyArray<{ readonly configMapRef?: { readonly name: string }; readonly secretRef?: { readonly name: string } }>;
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly lifecycle?: { readonly preStop?: { readonly sleep?: { readonly seconds: number } } };
  readonly resources?: { readonly requests?: Readonly<Record<string, string>>; readonly limits?: Readonly<Record<string, string>> };
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>;
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: SecurityContext;
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly emptyDir?: object; readonly persistentVolumeClaim?: { readonly claimName: string } }>;
}

export interface Deployment extends KubeObject {
  readonly spec: {
    readonly replicas?: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: { readonly metadata: { readonly labels: Readonly<Record<string, string>> }; readonly spec: PodSpec };
  };
}

/** The one object of `kind` (and `name`, when given); throws when there is none or several. */
export function one<T extends KubeObject = KubeObject>(objects: readonly KubeObject[], kind: string, name?: string): T {
  const found = objects.filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}

/** Whether `labels` carry every pair of `selector` (a matchLabels selector selects them). */
export function selects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const pairs = Object.entries(selector ?? {});
  return pairs.length > 0 && pairs.every(([key, value]) => labels?.[key] === value);
}

/** A field of an object by its path (`spec.selector.matchLabels`), as the tests read CRDs and HPAs. */
export function field(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object);
}

/**
 * The container's environment as the process would see it: the ConfigMaps' data, then `env`
 * (which wins); a secretKeyRef is read from a rendered Secret, else from `externalSecrets` (the
 * Secrets an operator creates), by key.
 */
export function environmentOf(objects: readonly KubeObject[], container: Container, externalSecrets: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, field(one(objects, 'ConfigMap', source.configMapRef.name), 'data'));
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) env[variable.name] = variable.value ?? '';
    else env[variable.name] = secretValue(objects, ref, externalSecrets);
  }
  return env;
}

function secretValue(objects: readonly KubeObject[], ref: { name: string; key: string }, externalSecrets: Readonly<Record<string, string>>): string {
  const rendered = objects.find((object) => object.kind === 'Secret' && object.metadata.name === ref.name);
  const data = field(rendered, `data.${ref.key}`);
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  const external = externalSecrets[ref.key];
  if (external === undefined) throw new Error(`secret ${ref.name} has no key ${ref.key}`);
  return external;
}
