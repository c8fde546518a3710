import type { Config } from './schema.js';

const MIN_SECRET_LENGTH = 32;

/** Whether access control is enforced: `auth.mode` on, or auto in production. */
export function accessControlOn(config: Pick<Config, 'env' | 'auth'>): boolean {
  return config.auth.mode === 'on' || (config.auth.mode === 'auto' && config.env === 'production');
}

/** Fills the defaults that depend on other settings (the bind address on the environment). */
export function resolveDefaults(config: Config): Config {
  if (config.server.host !== '') return config;
  return { ...config, server: { ...config.server, host: config.env === 'production' ? '0.0.0.0' : '127.0.0.1' } };
}

/**
 * Rules across settings, each problem naming what to set. Production refuses to start without access
 * control and its signing key; the bootstrap admin key may be generated on the first start instead.
 */
export function checkConfig(config: Config): string[] {
  const problems: string[] = [];
  const { auth, oidc, server } = config;
  if (server.corsCredentials && server.corsOrigins.includes('*')) {
    problems.push('server.corsOrigins: `*` cannot be combined with server.corsCredentials=true (UMBRAL_CORS_CREDENTIALS); list the origins');
  }
  if (auth.jwtSecret !== '' && auth.jwtSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`auth.jwtSecret (UMBRAL_JWT_SECRET): must be at least ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -base64 48\``);
  }
  if (auth.adminKey !== '' && auth.adminKey.length < MIN_SECRET_LENGTH) {
    problems.push(`auth.adminKey (UMBRAL_ADMIN_KEY): must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const symmetric = auth.jwtAlgorithm.startsWith('HS');
  if (!symmetric && auth.jwtSecret !== '') {
    problems.push(`auth.jwtSecret (UMBRAL_JWT_SECRET): not used with ${auth.jwtAlgorithm}; set UMBRAL_JWT_PRIVATE_KEY instead (an HMAC secret beside an asymmetric algorithm invites algorithm confusion)`);
  }
  if (symmetric && auth.jwtPrivateKey !== '') {
    problems.push(`auth.jwtPrivateKey (UMBRAL_JWT_PRIVATE_KEY): not used with ${auth.jwtAlgorithm}; choose RS256, PS256, ES256 or EdDSA, or unset it`);
  }
  const oidcSet = [oidc.issuer, oidc.audience, oidc.jwksUrl].filter((value) => value !== '').length;
  if (oidcSet > 0 && oidcSet < 3) {
    problems.push('oidc: set all of UMBRAL_OIDC_ISSUER, UMBRAL_OIDC_AUDIENCE and UMBRAL_OIDC_JWKS_URL, or none');
  }
  if (oidc.jwksUrl !== '' && !/^https?:\/\//.test(oidc.jwksUrl)) problems.push('oidc.jwksUrl (UMBRAL_OIDC_JWKS_URL): must be an http(s) URL');
  if (oidc.issuer !== '' && oidc.issuer === auth.jwtIssuer) {
    problems.push('oidc.issuer (UMBRAL_OIDC_ISSUER): must differ from auth.jwtIssuer (UMBRAL_JWT_ISSUER), which names umbral\'s own tokens');
  }
  if (config.grpc.enabled && config.grpc.port !== 0 && config.grpc.port === server.port) {
    problems.push(`grpc.port (UMBRAL_GRPC_PORT): ${config.grpc.port} is also server.port; give gRPC a port of its own`);
  }
  if (server.headersTimeoutMs > server.bodyTimeoutMs) {
    problems.push(`server.headersTimeoutMs (UMBRAL_HEADERS_TIMEOUT_MS): ${server.headersTimeoutMs} is above server.bodyTimeoutMs (UMBRAL_BODY_TIMEOUT_MS), which bounds the whole request, headers included`);
  }
  if (server.workers > 1 && config.store.databaseUrl === '') {
    problems.push(`server.workers (UMBRAL_WORKERS, --workers): ${server.workers} processes need a PostgreSQL server in DATABASE_URL; the embedded database opens in one process only`);
  }
  if (server.workers > 1 && config.log.file !== '') {
    problems.push(`log.file (UMBRAL_LOG_FILE): one file cannot be rotated by ${server.workers} worker processes; run one worker per machine with a log file, or log to standard output`);
  }
  const { notifications } = config;
  if (notifications.secretKey !== '' && notifications.secretKey.length < MIN_SECRET_LENGTH) {
    problems.push(`notifications.secretKey (UMBRAL_NOTIFICATIONS_SECRET_KEY): must be at least ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -base64 48\``);
  }
  if (notifications.backoffMinMs > notifications.backoffMaxMs) {
    problems.push(`notifications.backoffMinMs (UMBRAL_NOTIFICATIONS_BACKOFF_MIN_MS): ${notifications.backoffMinMs} is above notifications.backoffMaxMs (UMBRAL_NOTIFICATIONS_BACKOFF_MAX_MS)`);
  }
  if (config.env === 'production') problems.push(...productionProblems(config));
  return problems;
}

function productionProblems(config: Config): string[] {
  const { auth } = config;
  const problems: string[] = [];
  if (auth.mode === 'off') problems.push('auth.mode (UMBRAL_AUTH): cannot be off in production; remove UMBRAL_AUTH=off or use UMBRAL_ENV=development');
  if (auth.jwtAlgorithm.startsWith('HS') && auth.jwtSecret === '') {
    problems.push(`auth.jwtSecret (UMBRAL_JWT_SECRET): required in production with ${auth.jwtAlgorithm}, so that tokens survive restarts and every replica accepts them`);
  }
  if (!auth.jwtAlgorithm.startsWith('HS') && auth.jwtPrivateKey === '') {
    problems.push(`auth.jwtPrivateKey (UMBRAL_JWT_PRIVATE_KEY): required in production with ${auth.jwtAlgorithm}`);
  }
  // Replicas on one PostgreSQL open each other's channel secrets only with one shared key.
  if (config.store.databaseUrl !== '' && config.notifications.secretKey === '') {
    problems.push('notifications.secretKey (UMBRAL_NOTIFICATIONS_SECRET_KEY): required in production with DATABASE_URL, so that every replica can open the notification channels\' secrets (32+ characters, the same on every replica)');
  }
  return problems;
}
