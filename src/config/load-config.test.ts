import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isUmbralError } from '../errors/umbral-error.js';
import { loadConfig } from './load-config.js';
import { testTempDir } from '../../test/helpers/temp-dir.js';

function yamlFile(text: string): string {
  const file = join(testTempDir('umbral-config-'), 'umbral.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isUmbralError(error));
    assert.equal(error.code, 'UMBRAL_ERR_CONFIG_INVALID');
    return error.message;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('gives defaults with no file, no environment and no flags', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.server.port, 8080);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.log.format, 'json');
  });

  it('lets the environment override the file and flags override both', () => {
    const file = yamlFile('server:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  level: debug\n');
    const config = loadConfig({ file, env: { UMBRAL_PORT: '9100' }, overrides: { 'server.host': '::1' } });
    assert.equal(config.server.port, 9100);
    assert.equal(config.server.host, '::1');
    assert.equal(config.log.level, 'debug');
  });

  it('reads the file named by UMBRAL_CONFIG', () => {
    const file = yamlFile('models:\n  strict: true\n');
    assert.equal(loadConfig({ env: { UMBRAL_CONFIG: file } }).models.strict, true);
  });

  it('lists every problem at once, each with its key and source', () => {
    const file = yamlFile('server:\n  port: -1\n  colour: blue\n');
    const message = problemsOf(() => loadConfig({ file, env: { UMBRAL_LOG_FORMAT: 'xml', UMBRAL_ONNX_WORKERS: 'many' } }));
    assert.match(message, /4 problems/);
    assert.match(message, /server\.port \(from .*umbral\.yaml\)/);
    assert.match(message, /server\.colour .*unknown setting/);
    assert.match(message, /log\.format \(from UMBRAL_LOG_FORMAT\)/);
    assert.match(message, /onnx\.workers \(from UMBRAL_ONNX_WORKERS\)/);
  });

  it('reports an unreadable or malformed file', () => {
    assert.match(problemsOf(() => loadConfig({ file: '/nonexistent/umbral.yaml', env: {} })), /cannot be read/);
    assert.match(problemsOf(() => loadConfig({ file: yamlFile('server: [1, 2'), env: {} })), /invalid YAML/);
    assert.match(problemsOf(() => loadConfig({ file: yamlFile('- 1\n- 2\n'), env: {} })), /must be a mapping/);
  });

  it('reads booleans and numbers from the environment strictly', () => {
    assert.equal(loadConfig({ env: { UMBRAL_STRICT: '1' } }).models.strict, true);
    assert.match(problemsOf(() => loadConfig({ env: { UMBRAL_STRICT: 'yes' } })), /models\.strict/);
    assert.match(problemsOf(() => loadConfig({ env: { UMBRAL_PORT: '80.5' } })), /server\.port/);
  });

  it('freezes the result', () => {
    const config = loadConfig({ env: {} });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.server));
    assert.throws(() => { (config.server as { port: number }).port = 1; }, TypeError);
  });
  it('checks rules across settings, every problem at once', () => {
    const problems = problemsOf(() => loadConfig({
      env: {
        UMBRAL_JWT_SECRET: 'short', UMBRAL_OIDC_ISSUER: 'https://idp', UMBRAL_PORT: '9000', UMBRAL_GRPC_PORT: '9000',
        UMBRAL_JWT_ALGORITHM: 'RS256',
      },
    }));
    assert.match(problems, /UMBRAL_JWT_SECRET.*at least 32/);
    assert.match(problems, /not used with RS256/);
    assert.match(problems, /UMBRAL_OIDC_AUDIENCE and UMBRAL_OIDC_JWKS_URL, or none/);
    assert.match(problems, /grpc\.port.*also server\.port/);
  });

  it('binds 127.0.0.1 in development and every interface in production, unless told', () => {
    const secret = { UMBRAL_JWT_SECRET: 's'.repeat(32) };
    assert.equal(loadConfig({ env: {} }).server.host, '127.0.0.1');
    assert.equal(loadConfig({ env: { UMBRAL_ENV: 'production', ...secret } }).server.host, '0.0.0.0');
    assert.equal(loadConfig({ env: { UMBRAL_ENV: 'production', UMBRAL_HOST: '10.0.0.5', ...secret } }).server.host, '10.0.0.5');
  });

  it('reads lists from comma-separated variables', () => {
    assert.deepEqual(loadConfig({ env: { UMBRAL_CORS_ORIGINS: 'https://a.example, https://b.example,' } }).server.corsOrigins,
      ['https://a.example', 'https://b.example']);
  });
});
