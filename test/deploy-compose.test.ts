import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { SETTINGS } from '../src/config/schema.js';
import { flattenSettings } from '../src/config/setting.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const DEPLOY = join(PACKAGE_ROOT, 'deploy');
const RULES = 'deploy/prometheus/rules/umbral-rules.yml';
const DASHBOARDS = 'deploy/grafana/dashboards';
/** Written by other parts of the deployment work: their absence skips a check rather than failing it. */
const WRITTEN_ELSEWHERE = new Set([RULES, DASHBOARDS]);

/** What these checks read of the files (the schema checks the rest). */
interface Mount { readonly type: string; readonly source?: string; readonly target: string }
interface ComposeService {
  readonly environment?: Record<string, string>;
  readonly volumes?: Array<string | Mount>;
  readonly command?: string[];
  readonly ports?: string[];
  readonly deploy?: { readonly replicas?: number };
  readonly read_only?: boolean;
  readonly depends_on?: Record<string, { readonly condition: string }>;
  readonly healthcheck?: Record<string, unknown>;
}
interface ComposeFile { readonly services: Record<string, ComposeService>; readonly volumes: Record<string, unknown> }
interface PrometheusConfig {
  readonly rule_files: string[];
  readonly scrape_configs: Array<{ readonly job_name: string; readonly dns_sd_configs?: Array<{ readonly names: string[]; readonly port: number }> }>;
}

const readYaml = <T>(path: string): T => parseYaml(readFileSync(join(PACKAGE_ROOT, path), 'utf8')) as T;
const compose = readYaml<ComposeFile>('deploy/compose.yaml');
const prometheusConfig = readYaml<PrometheusConfig>('deploy/prometheus/prometheus.yml');
function service(name: string): ComposeService {
  const found = compose.services[name];
  assert.ok(found, `service ${name}`);
  return found;
}
/** The container side of a `ports` entry (`127.0.0.1:9090:9090` → 9090). */
const containerPort = (entry: string): number => Number(entry.split(':').at(-1));

/** A service's volumes in the long syntax (the short `./a:/b:ro` form read as the same). */
function mounts(name: string): Mount[] {
  return ((service(name).volumes ?? []) as Array<string | Mount>).map((entry) => {
    if (typeof entry !== 'string') return entry;
    const [source, target] = entry.split(':') as [string, string | undefined];
    if (target === undefined) return { type: 'volume', target: source };
    return { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target };
  });
}

/** The repository path of a bind mount's source (Compose resolves them from the file's folder). */
const repoPath = (source: string): string => posix.normalize(posix.join('deploy', source)).replace(/\/$/, '');

/** A Compose value with every `${VAR...}` replaced, to read the URLs it builds. */
const interpolated = (value: string): string => value.replace(/\$\{[^}]*\}/g, 'placeholder');

/** The Compose Specification's JSON schema, as dclint bundles it (compose-spec/compose-spec's schema). */
function composeSchemaValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { $schema: string };
  const draft7 = JSON.parse(readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-07.json'), 'utf8')) as object;
  // The schema names draft-07 by its https address; Ajv knows the meta-schema by its http one.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addMetaSchema({ ...draft7, $id: schema.$schema });
  return ajv.compile(schema);
}

describe('deploy/compose.yaml', () => {
  const validate = composeSchemaValidator();

  it('is valid against the Compose Specification schema', () => {
    assert.equal(validate(compose), true, JSON.stringify(validate.errors, null, 2));
  });

  it('the schema check catches a misspelt key and a misspelt value', () => {
    const broken = readYaml<{ services: { umbral: { healthcheck: Record<string, unknown>; depends_on: Record<string, { condition: string }> } } }>('deploy/compose.yaml');
    broken.services.umbral.healthcheck.intervall = '10s';
    broken.services.umbral.depends_on = { redis: { condition: 'service_healty' } };
    assert.equal(validate(broken), false);
    const complaints = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
    assert.ok(complaints.some((text) => text.startsWith('/services/umbral/healthcheck must NOT have additional properties')), complaints.join('\n'));
    assert.ok(complaints.some((text) => text.startsWith('/services/umbral/depends_on/redis/condition must be equal to one of the allowed values')), complaints.join('\n'));
  });

  it('mounts only files and folders that are in the repository', (t) => {
    const sources = Object.keys(compose.services).flatMap((name) => mounts(name))
      .filter((mount) => mount.type === 'bind').map((mount) => repoPath(mount.source as string));
    assert.ok(sources.includes(RULES) && sources.includes(DASHBOARDS), sources.join(', '));
    const missing = sources.filter((path) => !existsSync(join(PACKAGE_ROOT, path)));
    assert.deepEqual(missing.filter((path) => !WRITTEN_ELSEWHERE.has(path)), []);
    if (missing.length > 0) t.skip(`not in this tree yet (written with the alert rules and the dashboard): ${missing.join(', ')}`);
  });

  it('gives Prometheus its config and the rules file it names, and Grafana the dashboards its provider reads', () => {
    const prometheus = mounts('prometheus');
    const configTarget = service('prometheus').command?.find((arg) => arg.startsWith('--config.file='))?.split('=')[1] ?? '';
    assert.equal(prometheus.find((mount) => mount.source === './prometheus/prometheus.yml')?.target, configTarget);
    // Prometheus reads rule_files relative to its config file: the same path here and in the container.
    const rulesTarget = prometheus.find((mount) => mount.source && repoPath(mount.source) === RULES)?.target;
    assert.deepEqual(prometheusConfig.rule_files.map((file) => posix.join(posix.dirname(configTarget), file)), [rulesTarget]);

    const grafana = mounts('grafana');
    assert.equal(grafana.find((mount) => mount.source === './grafana/provisioning')?.target, '/etc/grafana/provisioning');
    const { providers } = readYaml<{ providers: Array<{ options: { path: string } }> }>('deploy/grafana/provisioning/dashboards/umbral.yaml');
    assert.equal(grafana.find((mount) => mount.source && repoPath(mount.source) === DASHBOARDS)?.target, providers[0]?.options.path);
    const { datasources } = readYaml<{ datasources: Array<{ url: string }> }>('deploy/grafana/provisioning/datasources/prometheus.yaml');
    assert.equal(datasources[0]?.url, `http://prometheus:${containerPort(service('prometheus').ports?.[0] ?? '')}`);
  });

  it('sets only real umbral settings, and its replicas share PostgreSQL, Redis, the artifacts and the secrets', () => {
    const umbral = service('umbral');
    const environment = umbral.environment ?? {};
    const known = new Set(flattenSettings(SETTINGS).map(([, setting]) => setting.env));
    assert.deepEqual(Object.keys(environment).filter((name) => !known.has(name)), []);

    assert.ok((umbral.deploy?.replicas ?? 1) >= 2);
    assert.equal(environment.UMBRAL_ENV, 'production');
    assert.equal(new URL(interpolated(environment.DATABASE_URL as string)).hostname, 'postgres');
    assert.equal(new URL(environment.REDIS_URL as string).hostname, 'redis');
    assert.ok(compose.services[new URL(environment.UMBRAL_TRACING_OTLP_URL as string).hostname]);
    for (const secret of ['UMBRAL_JWT_SECRET', 'UMBRAL_NOTIFICATIONS_SECRET_KEY']) {
      assert.match(environment[secret] as string, new RegExp(`^\\$\\{${secret}:\\?.+\\}$`), `${secret} is required, with a message`);
    }
    const volumes = mounts('umbral');
    const artifacts = volumes.find((mount) => mount.target === environment.UMBRAL_ARTIFACTS_DIR);
    assert.ok(artifacts?.type === 'volume' && artifacts.source && artifacts.source in compose.volumes, 'artifacts on a named, shared volume');
    const data = volumes.find((mount) => mount.target === environment.UMBRAL_DATA_DIR);
    assert.ok(data?.type === 'volume' && data.source === undefined, 'the data directory (prediction spill) on a volume of its own per replica');

    assert.equal(umbral.read_only, true);
    assert.equal(umbral.depends_on?.postgres?.condition, 'service_healthy');
    assert.equal(umbral.depends_on?.redis?.condition, 'service_healthy');
  });

  it('lists every variable it requires in deploy/.env.example', () => {
    const required = new Set([...readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8').matchAll(/\$\{(\w+):\?/g)].map((match) => match[1]));
    const listed = new Set([...readFileSync(join(DEPLOY, '.env.example'), 'utf8').matchAll(/^(\w+)=/gm)].map((match) => match[1]));
    assert.ok(required.size >= 4, [...required].join(', '));
    assert.deepEqual([...required].filter((name) => !listed.has(name)), []);
  });

  it('has Prometheus scrape every replica on the port umbral serves /metrics on', () => {
    const discovery = prometheusConfig.scrape_configs.find((job) => job.job_name === 'umbral')?.dns_sd_configs?.[0];
    const port = Number(service('umbral').environment?.UMBRAL_PORT ?? SETTINGS.server.port.default);
    assert.deepEqual(discovery?.names, ['umbral']);
    assert.equal(discovery?.port, port);
  });

  it('passes promtool check config, rules file included', (t) => {
    if (spawnSync('promtool', ['--version']).error) return t.skip('promtool not found: apt-get install prometheus');
    if (!existsSync(join(PACKAGE_ROOT, RULES))) return t.skip(`${RULES} not in this tree yet (written with the alert rules)`);
    const check = spawnSync('promtool', ['check', 'config', join(DEPLOY, 'prometheus', 'prometheus.yml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });
});
