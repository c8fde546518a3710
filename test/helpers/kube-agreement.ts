import { isDeepStrictEqual } from 'node:util';
import { environmentOf, field, one, type Container, type Deployment } from './kube-objects.js';
import type { KubeObject } from './kustomize.js';

/**
 * Where two renderings of umbral (the kustomize overlay and the Helm chart with the matching values)
 * disagree on what decides how the server runs: the kinds rendered, each kind's behaviour fields,
 * the container (image, ports, probes, preStop, resources, securityContext, mounts) and the
 * environment the process sees. Names, labels and selectors are left out: each tool has its own.
 */

export interface Disagreement {
  readonly where: string;
  readonly left: unknown;
  readonly right: unknown;
}

const AGREED: Readonly<Record<string, readonly string[]>> = {
  Deployment: [
    'spec.replicas', 'spec.revisionHistoryLimit', 'spec.strategy', 'spec.template.spec.terminationGracePeriodSeconds',
    'spec.template.spec.automountServiceAccountToken', 'spec.template.spec.enableServiceLinks',
    'spec.template.spec.securityContext', 'spec.template.spec.volumes',
  ],
  Service: ['spec.type', 'spec.ports'],
  HorizontalPodAutoscaler: ['spec.minReplicas', 'spec.maxReplicas', 'spec.metrics', 'spec.behavior'],
  PodDisruptionBudget: ['spec.maxUnavailable', 'spec.minAvailable'],
  NetworkPolicy: ['spec.policyTypes', 'spec.ingress', 'spec.egress'],
  ServiceMonitor: ['spec.endpoints'],
  Ingress: ['spec.tls', 'spec.rules'],
  PersistentVolumeClaim: ['spec.accessModes', 'spec.resources'],
};
const CONTAINER_AGREED = [
  'image', 'ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'lifecycle', 'resources', 'securityContext', 'volumeMounts',
] as const;

/** Lists of named entries whose order means nothing (a kustomize patch puts its entries first). */
const UNORDERED = new Set(['spec.template.spec.volumes', 'volumeMounts']);
const byName = (value: unknown) => (Array.isArray(value) ? [...(value as Array<{ name: string }>)].sort((a, b) => a.name.localeCompare(b.name)) : value);

const kindsOf = (objects: readonly KubeObject[]) => objects.map((object) => object.kind).sort();
const containerOf = (objects: readonly KubeObject[]) => one<Deployment>(objects, 'Deployment').spec.template.spec.containers[0] as Container;

/** The differences between `left` and `right`; secretKeyRefs resolve from `externalSecrets` by key. */
export function disagreements(left: readonly KubeObject[], right: readonly KubeObject[], externalSecrets: Readonly<Record<string, string>>): Disagreement[] {
  const found: Disagreement[] = [];
  const compare = (where: string, a: unknown, b: unknown, unordered = false) => {
    const [x, y] = unordered ? [byName(a), byName(b)] : [a, b];
    if (!isDeepStrictEqual(x, y)) found.push({ where, left: x, right: y });
  };
  compare('kinds', kindsOf(left), kindsOf(right));
  for (const [kind, paths] of Object.entries(AGREED)) {
    const [a, b] = [left, right].map((objects) => objects.find((object) => object.kind === kind));
    if (a && b) for (const path of paths) compare(`${kind} ${path}`, field(a, path), field(b, path), UNORDERED.has(path));
  }
  const [a, b] = [containerOf(left), containerOf(right)];
  for (const key of CONTAINER_AGREED) compare(`container ${key}`, a[key], b[key], UNORDERED.has(key));
  const [envA, envB] = [environmentOf(left, a, externalSecrets), environmentOf(right, b, externalSecrets)];
  for (const name of [...new Set([...Object.keys(envA), ...Object.keys(envB)])].sort()) compare(`env ${name}`, envA[name], envB[name]);
  const secretKeys = (container: Container) => Object.fromEntries((container.env ?? []).flatMap((variable) => {
    const ref = variable.valueFrom?.secretKeyRef;
    return ref ? [[variable.name, `${ref.name}/${ref.key}`]] : [];
  }));
  compare('env from Secret keys', secretKeys(a), secretKeys(b));
  return found;
}
