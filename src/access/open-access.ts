import type { Logger } from 'pino';
import { accessControlOn } from '../config/check-config.js';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { Database } from '../store/database.js';
import { AccessAdmin } from './access-admin.js';
import { AccessDirectory } from './access-directory.js';
import { AccessTokens } from './access-tokens.js';
import { Accounts } from './accounts.js';
import { Authenticator } from './authenticator.js';
import { KeyStore } from './key-store.js';
import { LoginThrottle } from './login-throttle.js';
import { OidcVerifier, tokenIssuer } from './oidc-verifier.js';
import type { Limits } from './principal.js';
import { openCounterStore } from './rate-limit/open-counter-store.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { RefreshTokenStore } from './refresh-token-store.js';
import { denySeconds, loadRevokedSessions } from './revoked-sessions.js';
import { UserStore } from './user-store.js';

/** Everything access control is made of, opened and wired for one server. */
export interface Access {
  /** Whether credentials are required (docs/guides/access-control.md, "Modes"). */
  readonly enforced: boolean;
  readonly authenticator: Authenticator;
  readonly limiter: RateLimiter;
  readonly accounts: Accounts;
  /** Changes to keys and users, bounded by what the caller holds. */
  readonly admin: AccessAdmin;
  readonly keys: KeyStore;
  readonly users: UserStore;
  readonly directory: AccessDirectory;
  readonly tokens: AccessTokens;
  close(): Promise<void>;
}

export interface AccessDeps {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Shows the generated bootstrap admin key to the operator, once; never through the logger. */
  readonly announce: (text: string) => void;
}

/**
 * Opens access control: stores, the in-memory directory the hot path reads, token signing, the
 * counter store (memory, or Redis shared by replicas) and, when enforced, the first admin credential.
 */
export async function openAccess(deps: AccessDeps): Promise<Access> {
  const { config, db, logger } = deps;
  const enforced = accessControlOn(config);
  const keys = new KeyStore(db);
  const users = new UserStore(db);
  if (enforced) await bootstrap(keys, config.auth.adminKey, deps);
  const directory = new AccessDirectory({
    db, loadKeys: () => keys.loadActive(new Date()), loadUsers: () => users.loadDirectory(), loadRevokedSessions: () => loadRevokedSessions(db),
    recordUse: (used) => keys.recordUse(used), resyncIntervalMs: config.registry.resyncIntervalMs,
    onError: (error, what) => logger.warn({ err: error, what }, 'access directory could not be refreshed; keeping the last view'),
  });
  const counters = await openCounterStore(config, deps.metrics, logger);
  try {
    await directory.start();
    const tokens = await AccessTokens.create({
      algorithm: config.auth.jwtAlgorithm, secret: config.auth.jwtSecret, privateKeyPem: config.auth.jwtPrivateKey,
      issuer: config.auth.jwtIssuer, audience: config.auth.jwtAudience, ttlSeconds: config.auth.accessTokenTtlSeconds,
    });
    warnAboutMode(enforced, tokens.ephemeral, config, logger);
    const oidc = config.oidc.issuer === '' ? undefined : new OidcVerifier(config.oidc);
    const authenticator = new Authenticator({
      findKey: (text) => directory.findKey(text), user: (id) => directory.user(id), sessionRevoked: (sid) => directory.sessionRevoked(sid),
      verifyAccessToken: (token) => tokens.verify(token), tokenIssuer, ...(oidc ? { oidc } : {}),
    });
    const limiter = new RateLimiter({
      store: counters.rateLimits, leaseMs: config.server.requestTimeoutMs + 5_000,
      defaults: limiterDefaults(config),
    });
    const throttle = new LoginThrottle(counters.logins, {
      perAccount: config.auth.loginFailuresPerAccount, perAddress: config.auth.loginFailuresPerAddress,
      windowMs: config.auth.loginThrottleWindowSeconds * 1000,
    });
    const accounts = new Accounts({
      db, users, tokens, throttle,
      refreshTokens: new RefreshTokenStore(db, config.auth.refreshTokenTtlSeconds, {
        denySeconds: denySeconds(config.auth.accessTokenTtlSeconds), onRevoked: (session) => directory.noteRevokedSession(session),
      }),
      registration: config.auth.registration, passwordMinLength: config.auth.passwordMinLength,
    });
    const admin = new AccessAdmin({ keys, users, passwordMinLength: config.auth.passwordMinLength, defaultLimits: limiterDefaults(config) });
    const close = async () => {
      await directory.stop();
      await counters.close();
    };
    return { enforced, authenticator, limiter, accounts, admin, keys, users, directory, tokens, close };
  } catch (error) {
    await directory.stop();
    await counters.close();
    throw error;
  }
}

async function bootstrap(keys: KeyStore, adminKey: string, deps: AccessDeps): Promise<void> {
  const result = await keys.bootstrap({ adminKey });
  if (result.outcome !== 'created') return;
  if (result.generatedKey === undefined) {
    deps.logger.info('first start: the bootstrap admin key is the one given in UMBRAL_ADMIN_KEY (stored hashed)');
    return;
  }
  deps.logger.warn('first start: generated a bootstrap admin API key; it is printed once on standard output, not in the log');
  deps.announce([
    '', '==== umbral bootstrap admin API key (shown once; store it in a secret manager) ====',
    result.generatedKey,
    'Use it as: Authorization: Bearer <key>. Create named keys and users with it, then revoke it.', '',
  ].join('\n'));
}

function warnAboutMode(enforced: boolean, ephemeralKey: boolean, config: Config, logger: Logger): void {
  if (!enforced) {
    logger.warn({ env: config.env, auth: config.auth.mode },
      '!!! ACCESS CONTROL IS OFF: anyone who can reach this server can run and change every model. '
      + 'Keep it on 127.0.0.1, or set UMBRAL_AUTH=on (UMBRAL_ENV=production requires it) !!!');
  } else if (ephemeralKey) {
    logger.warn('UMBRAL_JWT_SECRET / UMBRAL_JWT_PRIVATE_KEY is not set: access tokens are signed with a key made at start; '
      + 'they end with this process and other replicas refuse them');
  }
}

/** The server's default limits (`rateLimit.*`; 0 = none): what users and keys without limits of their own get. */
function limiterDefaults(config: Config): Limits {
  const { requestsPerSecond, requestsPerMinute, concurrent } = config.rateLimit;
  return {
    ...(requestsPerSecond > 0 ? { requestsPerSecond } : {}),
    ...(requestsPerMinute > 0 ? { requestsPerMinute } : {}),
    ...(concurrent > 0 ? { concurrent } : {}),
  };
}
