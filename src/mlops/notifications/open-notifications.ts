import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { ModelLoadObserver } from '../../inference/model-load-observer.js';
import type { UpstreamObserver } from '../../resilience/upstream-observer.js';
import type { Database } from '../../store/database.js';
import type { EventSink } from '../events/umbral-event.js';
import type { ChannelDriver, ChannelKind } from './channels/channel-driver.js';
import { CHANNEL_DRIVERS } from './channels/channel-drivers.js';
import { NotificationDispatcher } from './dispatcher.js';
import { breakerEvents, loadFailureEvents } from './event-sources.js';
import { NotificationAdmin } from './notification-admin.js';
import { OutboxEventSink } from './outbox-event-sink.js';
import { SecretBox } from './secret-box.js';
import { loadSecretKey } from './secret-key.js';

export interface OpenNotificationsOptions {
  readonly db: Database;
  readonly config: Config['notifications'];
  /** Where a generated secret key is kept when `config.secretKey` is empty. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Replaces channel drivers (tests). */
  readonly drivers?: Readonly<Record<ChannelKind, ChannelDriver>>;
}

/** Notifications, opened: what sources emit into, what the admin API calls, and the dispatcher running. */
export interface Notifications {
  /** Where every source outside the registry emits its events (prediction log, drift, jobs, rollouts). */
  readonly sink: EventSink;
  readonly admin: NotificationAdmin;
  /** Emits breaker.opened / breaker.closed: compose it into the backends' UpstreamObserver. */
  readonly upstreamObserver: UpstreamObserver;
  /** Emits model.load_failed: ModelHost's `loadObserver`. */
  readonly loadObserver: ModelLoadObserver;
  readonly dispatcher: NotificationDispatcher;
  /** Stops the dispatcher and writes the events still held (before the database closes). */
  close(): Promise<void>;
}

/** Opens notifications on `db` and starts the dispatcher (docs/guides/notifications.md). */
export async function openNotifications(options: OpenNotificationsOptions): Promise<Notifications> {
  const { db, config, logger } = options;
  const log = logger.child({ component: 'notifications' });
  const secrets = new SecretBox(loadSecretKey({ configured: config.secretKey, dataDir: options.dataDir, shared: db.kind === 'postgres', logger: log }));
  const drivers = options.drivers ?? CHANNEL_DRIVERS;
  const sink = new OutboxEventSink(db, log);
  const dispatcher = new NotificationDispatcher({
    db, drivers, secrets, logger: log,
    pollIntervalMs: config.pollIntervalMs, maxAttempts: config.maxAttempts, backoffMinMs: config.backoffMinMs,
    backoffMaxMs: config.backoffMaxMs, sendTimeoutMs: config.sendTimeoutMs, retentionDays: config.retentionDays,
  });
  await dispatcher.start();
  return {
    sink, dispatcher,
    admin: new NotificationAdmin({ db, drivers, secrets }),
    upstreamObserver: breakerEvents(sink),
    loadObserver: loadFailureEvents(sink),
    async close() {
      await sink.close();
      await dispatcher.stop();
    },
  };
}
