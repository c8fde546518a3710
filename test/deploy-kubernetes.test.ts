import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition, type Client, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { loadConfig } from '../src/config/load-config.js';
import { SETTINGS } from '../src/config/schema.js';
import { flattenSettings } from '../src/config/setting.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { helmLint, helmTemplate, type HelmRender } from './helpers/helm.js';
import { disagreements } from './helpers/kube-agreement.js';
import { schemaProblems } from './helpers/kube-schemas.js';
import { environmentOf, field, one, selects, type Container, type Deployment, type Probe } from './helpers/kube-objects.js';
import { kubectlUnavailable, kustomize, type KubeObject } from './helpers/kustomize.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// The kustomize overlays and the Helm chart, rendered by the real `kubectl kustomize` and
// `helm template` (kubectl 1.35 and helm 4 from an npm package), validated by the Kubernetes OpenAPI
// schemas of kubernetes-models, held to the server they deploy, and to each other.

type Profile = 'development' | 'production';
interface Rendering {
  readonly name: string;
  readonly profile: Profile;
  render(): Promise<KubeObject[]>;
}
const overlayDir = (profile: Profile) => join(PACKAGE_ROOT, 'deploy/kubernetes/overlays', profile);
const CHART = join(PACKAGE_ROOT, 'deploy/helm/umbral');
/** The chart as the docs install it, in the overlays' namespaces. */
const CHART_VALUES: Readonly<Record<Profile, HelmRender>> = {
  production: { chart: CHART, namespace: 'umbral' },
  development: { chart: CHART, namespace: 'umbral-dev', values: [join(CHART, 'values-development.yaml')] },
};
const RENDERINGS: readonly Rendering[] = (['development', 'production'] as const).flatMap((profile) => [
  { name: `kustomize ${profile}`, profile, render: () => kustomize(overlayDir(profile)) },
  { name: `helm ${profile}`, profile, render: () => helmTemplate(CHART_VALUES[profile]) },
]);
const NAMES = RENDERINGS.map((rendering) => rendering.name);
const namesOf = (profile: Profile) => RENDERINGS.filter((rendering) => rendering.profile === profile).map((rendering) => rendering.name);

/** Stand-ins for the Secret an operator creates in production (never committed), by key. */
const EXTERNAL_SECRETS = {
  'database-url': 'postgres://umbral@postgres:5432/umbral', 'redis-url': 'redis://redis:6379',
  'jwt-secret': 'j'.repeat(48), 'notifications-key': 'n'.repeat(48),
};
const SETTING_NAMES = new Set(flattenSettings(SETTINGS).map(([, setting]) => setting.env));

const deploymentOf = (objects: readonly KubeObject[]) => one<Deployment>(objects, 'Deployment', 'umbral');
const containerOf = (objects: readonly KubeObject[]) => deploymentOf(objects).spec.template.spec.containers[0] as Container;
const envOf = (objects: readonly KubeObject[]) => environmentOf(objects, containerOf(objects), EXTERNAL_SECRETS);

/** The container port a probe's port names (a number, or a port's name). */
function probePort(container: Container, probe: Probe): number {
  const port = probe.httpGet?.port ?? probe.grpc?.port;
  const number = typeof port === 'number' ? port : container.ports.find((entry) => entry.name === port)?.containerPort;
  assert.ok(number !== undefined && container.ports.some((entry) => entry.containerPort === number), `probe port ${String(port)} is a container port`);
  return number;
}

describe('Kubernetes manifests (deploy/kubernetes overlays, deploy/helm chart)', { skip: kubectlUnavailable() }, () => {
  const rendered = new Map<string, KubeObject[]>();
  const objectsOf = (name: string) => rendered.get(name) as KubeObject[];
  before(async () => {
    for (const { name, render } of RENDERINGS) rendered.set(name, await render());
  });

  it('renders each overlay and values file into objects the Kubernetes and prometheus-operator schemas accept, in one namespace', () => {
    for (const rendering of NAMES) {
      const objects = objectsOf(rendering);
      assert.deepEqual(objects.flatMap(schemaProblems), [], rendering);
      assert.equal(new Set(objects.map((object) => object.metadata.namespace)).size, 1, `${rendering}: one namespace`);
      for (const kind of ['Deployment', 'Service', 'ConfigMap', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor']) one(objects, kind);
      const image = containerOf(objects).image;
      assert.match(image, /^[^:]+(:[^:]+)?:(?!latest$)[\w.-]+$/, `${rendering}: the image ${image} has a tag set by the overlay or values`);
    }
  });

  it('sets only real umbral settings, and each rendering\'s settings load', () => {
    for (const rendering of NAMES) {
      const env = envOf(objectsOf(rendering));
      assert.deepEqual(Object.keys(env).filter((name) => !SETTING_NAMES.has(name)), [], `${rendering}: not umbral settings`);
      assert.doesNotThrow(() => loadConfig({ env }), `${rendering}: the configuration loads`);
      assert.equal(env.UMBRAL_HOST, '0.0.0.0', `${rendering}: binds every interface, so that probes and the Service reach it`);
    }
  });

  it('listens on the ports it declares, with probes on those ports', () => {
    for (const rendering of NAMES) {
      const objects = objectsOf(rendering);
      const container = containerOf(objects);
      const config = loadConfig({ env: envOf(objects) });
      const port = (name: string) => container.ports.find((entry) => entry.name === name)?.containerPort;
      assert.equal(port('http'), config.server.port, `${rendering}: http`);
      assert.equal(port('grpc'), config.grpc.port, `${rendering}: grpc`);
      assert.equal(container.livenessProbe?.httpGet?.path, '/health/live');
      assert.equal(container.readinessProbe?.httpGet?.path, '/health/ready');
      assert.equal(container.startupProbe?.grpc?.service, '', 'startup: the standard gRPC health service, whole server');
      assert.equal(probePort(container, container.startupProbe as Probe), config.grpc.port);
      for (const probe of [container.livenessProbe, container.readinessProbe]) assert.equal(probePort(container, probe as Probe), config.server.port);
    }
  });

  it('stops as umbral drains: preStop sleeps UMBRAL_SHUTDOWN_DELAY_MS, the grace period outlasts preStop, delay and drain', () => {
    for (const rendering of NAMES) {
      const objects = objectsOf(rendering);
      const container = containerOf(objects);
      const { shutdownDelayMs, shutdownTimeoutMs } = loadConfig({ env: envOf(objects) }).server;
      const explicit = (container.env ?? []).map((variable) => variable.name);
      assert.ok(explicit.includes('UMBRAL_SHUTDOWN_DELAY_MS') && explicit.includes('UMBRAL_SHUTDOWN_TIMEOUT_MS'), `${rendering}: set in the Deployment`);
      const preStopSeconds = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
      assert.ok(preStopSeconds > 0, `${rendering}: a preStop sleep`);
      assert.equal(preStopSeconds * 1000, shutdownDelayMs, `${rendering}: preStop = UMBRAL_SHUTDOWN_DELAY_MS`);
      assert.ok(shutdownDelayMs > (container.readinessProbe?.periodSeconds ?? 10) * 1000, `${rendering}: the delay outlasts a readiness period`);
      const needed = preStopSeconds + (shutdownDelayMs + shutdownTimeoutMs) / 1000;
      const grace = deploymentOf(objects).spec.template.spec.terminationGracePeriodSeconds ?? 30;
      assert.ok(grace > needed, `${rendering}: terminationGracePeriodSeconds ${grace} > ${needed}`);
    }
  });

  it('runs restricted: non-root by number, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp, limits', () => {
    for (const rendering of NAMES) {
      const pod = deploymentOf(objectsOf(rendering)).spec.template.spec;
      const container = containerOf(objectsOf(rendering));
      const context = { ...pod.securityContext, ...container.securityContext };
      assert.equal(context.runAsNonRoot, true);
      assert.ok(Number.isInteger(context.runAsUser) && (context.runAsUser ?? 0) > 0, 'a numeric non-root user');
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
      assert.deepEqual(container.securityContext?.capabilities, { drop: ['ALL'] });
      assert.equal(context.seccompProfile?.type, 'RuntimeDefault');
      for (const kind of ['requests', 'limits'] as const) assert.ok(container.resources?.[kind]?.cpu && container.resources[kind].memory, `${rendering}: ${kind}`);
      // With a read-only root, every directory umbral writes must be a volume.
      const config = loadConfig({ env: envOf(objectsOf(rendering)) });
      const mounts = new Map((container.volumeMounts ?? []).map((mount) => [mount.mountPath, mount.name]));
      const written = ['/tmp', config.store.dataDir, ...(config.store.artifactsDir ? [config.store.artifactsDir] : [])];
      for (const path of written) {
        const volume = pod.volumes?.find((entry) => entry.name === mounts.get(path));
        assert.ok(volume, `${rendering}: ${path} is a mounted volume`);
      }
    }
  });

  it('selects its own pods and ports everywhere: Service, PDB, NetworkPolicy, ServiceMonitor, HPA, Ingress', () => {
    for (const rendering of NAMES) {
      const objects = objectsOf(rendering);
      const deployment = deploymentOf(objects);
      const podLabels = deployment.spec.template.metadata.labels;
      const container = containerOf(objects);
      const service = one(objects, 'Service', 'umbral');
      assert.ok(selects(deployment.spec.selector.matchLabels, podLabels), 'Deployment');
      assert.ok(selects(field(service, 'spec.selector') as Record<string, string>, podLabels), 'Service');
      assert.ok(selects(field(one(objects, 'PodDisruptionBudget'), 'spec.selector.matchLabels') as Record<string, string>, podLabels), 'PDB');
      const policy = one(objects, 'NetworkPolicy');
      assert.ok(selects(field(policy, 'spec.podSelector.matchLabels') as Record<string, string>, podLabels), 'NetworkPolicy');
      const servicePorts = field(service, 'spec.ports') as Array<{ name: string; targetPort: string }>;
      assert.deepEqual(servicePorts.map((port) => port.targetPort).sort(), container.ports.map((port) => port.name).sort(), 'Service ports');
      const monitor = one(objects, 'ServiceMonitor');
      assert.ok(selects(field(monitor, 'spec.selector.matchLabels') as Record<string, string>, service.metadata.labels), 'ServiceMonitor');
      for (const endpoint of field(monitor, 'spec.endpoints') as Array<{ port: string; path: string }>) {
        assert.ok(servicePorts.some((port) => port.name === endpoint.port), `ServiceMonitor port ${endpoint.port}`);
        assert.equal(endpoint.path, '/metrics');
      }
      const ingressPorts = (field(policy, 'spec.ingress') as Array<{ ports: Array<{ port: string }> }>).flatMap((rule) => rule.ports.map((port) => port.port));
      assert.deepEqual(ingressPorts.sort(), ['grpc', 'http'], 'NetworkPolicy lets in HTTP and gRPC');
      const egressPorts = (field(policy, 'spec.egress') as Array<{ ports: Array<{ port: number; protocol: string }> }>).flatMap((rule) => rule.ports.map((port) => `${port.port}/${port.protocol}`));
      for (const needed of ['53/UDP', '53/TCP', '5432/TCP', '6379/TCP', '4318/TCP']) assert.ok(egressPorts.includes(needed), `egress ${needed}`);
      for (const hpa of objects.filter((object) => object.kind === 'HorizontalPodAutoscaler')) {
        assert.deepEqual(field(hpa, 'spec.scaleTargetRef'), { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      }
      for (const ingress of objects.filter((object) => object.kind === 'Ingress')) {
        const backends = (field(ingress, 'spec.rules') as Array<{ http: { paths: Array<{ backend: unknown }> } }>).flatMap((rule) => rule.http.paths.map((path) => path.backend));
        for (const backend of backends) assert.deepEqual(backend, { service: { name: service.metadata.name, port: { name: 'http' } } });
      }
      for (const claim of (deployment.spec.template.spec.volumes ?? []).flatMap((volume) => volume.persistentVolumeClaim ?? [])) {
        one(objects, 'PersistentVolumeClaim', claim.claimName);
      }
    }
  });

  it('production: 2+ replicas on PostgreSQL, Redis and a ReadWriteMany artifact volume, every secret from a Secret it does not commit', () => {
    for (const rendering of namesOf('production')) assertProduction(rendering, objectsOf(rendering));
  });

  it('development: one replica on the embedded store, no autoscaler', () => {
    for (const rendering of namesOf('development')) {
      const objects = objectsOf(rendering);
      assert.equal(deploymentOf(objects).spec.replicas, 1, rendering);
      assert.equal(objects.filter((object) => object.kind === 'HorizontalPodAutoscaler').length, 0, rendering);
      assert.equal(loadConfig({ env: envOf(objects) }).store.databaseUrl, '', rendering);
    }
  });

  it('helm lint --strict passes the chart with each values file', async () => {
    for (const profile of ['development', 'production'] as const) await helmLint(CHART_VALUES[profile]);
  });

  it('the chart renders what the overlays render: kinds, image, ports, probes, preStop, grace period, settings, secrets, security', () => {
    assert.deepEqual(disagreements(objectsOf('kustomize production'), objectsOf('helm production'), EXTERNAL_SECRETS), []);
    // In development the overlay generates a Secret with a fake JWT key; the chart commits no secret value.
    const development = disagreements(objectsOf('kustomize development'), objectsOf('helm development'), EXTERNAL_SECRETS);
    assert.deepEqual(development.map((found) => found.where), ['kinds', 'env UMBRAL_JWT_SECRET', 'env from Secret keys'], JSON.stringify(development));
  });

  describe('against the real server, started with the development overlay\'s settings', () => {
    let server: TestServer;
    before(async () => {
      const env = envOf(objectsOf('kustomize development'));
      // On loopback, on free ports, in a fresh data directory: the rest is the overlay's.
      server = await startTestServer({ env, overrides: { 'server.host': '127.0.0.1' } });
    });
    after(async () => server?.shutdown('test over'));

    it('answers every probe: HTTP paths with 200, the gRPC health service with SERVING', async () => {
      const objects = objectsOf('kustomize development');
      const container = containerOf(objects);
      const config = loadConfig({ env: envOf(objects) });
      for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe] as Probe[]) {
        if (probe.httpGet) {
          assert.equal(probePort(container, probe), config.server.port);
          assert.equal((await fetch(`${server.url}${probe.httpGet.path}`)).status, 200, probe.httpGet.path);
        }
        if (probe.grpc) {
          assert.equal(probePort(container, probe), config.grpc.port);
          assert.equal(await grpcHealth(server.grpcUrl as string, probe.grpc.service ?? ''), 'SERVING');
        }
      }
    });

    it('exports the HPA\'s per-pod metric, counting the requests in flight (the scrape itself)', async () => {
      const hpa = one(objectsOf('kustomize production'), 'HorizontalPodAutoscaler');
      const names = (field(hpa, 'spec.metrics') as Array<{ type: string; pods?: { metric: { name: string } } }>)
        .flatMap((metric) => (metric.type === 'Pods' && metric.pods ? [metric.pods.metric.name] : []));
      assert.ok(names.length > 0, 'a Pods metric');
      for (const name of names) {
        for (let scrape = 0; scrape < 2; scrape += 1) {
          const text = await (await fetch(`${server.url}/metrics`)).text();
          assert.match(text, new RegExp(`^${name} 1$`, 'm'), `${name}: the scrape in flight, and nothing left over`);
        }
        const guide = readFileSync(join(PACKAGE_ROOT, 'docs/operations/deploy.md'), 'utf8');
        assert.ok(guide.includes(name), 'the prometheus-adapter rule in the guide names it');
      }
    });
  });
});

/** What production needs: the HPA's replicas, shared stores, secrets from an outside Secret, a ReadWriteMany claim. */
function assertProduction(rendering: string, objects: readonly KubeObject[]): void {
  const container = containerOf(objects);
  assert.equal(objects.filter((object) => object.kind === 'Secret').length, 0, `${rendering}: no Secret committed`);
  const fromSecret = new Set((container.env ?? []).filter((variable) => variable.valueFrom?.secretKeyRef).map((variable) => variable.name));
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'UMBRAL_JWT_SECRET', 'UMBRAL_NOTIFICATIONS_SECRET_KEY']) assert.ok(fromSecret.has(name), `${rendering}: ${name} from a Secret`);
  const config = loadConfig({ env: envOf(objects) });
  assert.equal(config.env, 'production', rendering);
  const hpa = one(objects, 'HorizontalPodAutoscaler');
  assert.ok(Number(field(hpa, 'spec.minReplicas')) >= 2, `${rendering}: at least two replicas`);
  assert.equal(deploymentOf(objects).spec.replicas, undefined, `${rendering}: the HPA owns the replica count`);
  const artifacts = container.volumeMounts?.find((mount) => mount.mountPath === config.store.artifactsDir);
  const claim = deploymentOf(objects).spec.template.spec.volumes?.find((volume) => volume.name === artifacts?.name)?.persistentVolumeClaim;
  assert.deepEqual(field(one(objects, 'PersistentVolumeClaim', claim?.claimName), 'spec.accessModes'), ['ReadWriteMany'], rendering);
}

// A client built from the gRPC project's own health.proto (shipped in grpc-health-check), as a kubelet's is.
const require = createRequire(import.meta.url);
const HEALTH_PROTO = join(dirname(require.resolve('grpc-health-check/package.json')), 'proto', 'health', 'v1', 'health.proto');
type Namespace = { readonly [name: string]: Namespace | undefined };

async function grpcHealth(target: string, service: string): Promise<string> {
  const definition = loadSync(HEALTH_PROTO, { keepCase: true, enums: String, defaults: true });
  const Health = (loadPackageDefinition(definition) as unknown as Namespace).grpc?.health?.v1?.Health as unknown as ServiceClientConstructor;
  const client = new Health(target, credentials.createInsecure()) as unknown as Client & {
    Check(request: { service: string }, callback: (error: ServiceError | null, response?: { status: string }) => void): void;
  };
  try {
    return await new Promise((resolve, reject) => client.Check({ service }, (error, response) => (error ? reject(error) : resolve(response?.status ?? ''))));
  } finally {
    client.close();
  }
}
