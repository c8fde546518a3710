import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** Longest wait for a connection, and for any one reply; past it the command fails (default 250 ms). */
  readonly timeoutMs?: number;
  /** Cap of the exponential reconnect delay (default 1000 ms). */
  readonly maxReconnectDelayMs?: number;
  /** Every connection error; without it errors are swallowed (the caller learns from failed commands). */
  readonly onError?: (error: Error) => void;
  /** CLIENT SETNAME, to find the connections in `CLIENT LIST` (default `umbral`). */
  readonly connectionName?: string;
}

/**
 * An ioredis client for the request path, where Redis being gone must cost milliseconds, never a
 * hang: every command either answers within `timeoutMs` or fails, and the client reconnects by
 * itself. It is created unconnected (`lazyConnect`): call `client.connect()` at boot and decide what
 * a rejection means; the client keeps reconnecting either way. Until it is ready, commands fail at
 * once rather than wait.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const timeoutMs = options.timeoutMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 1000;
  const client = new Redis(url, {
    // A connect attempt that the network black-holes would otherwise wait 10 s.
    connectTimeout: timeoutMs,
    // A server that accepts but does not answer (paused, overloaded) must not hold the request.
    commandTimeout: timeoutMs,
    // Without a connection, fail the command now instead of queueing it until Redis returns.
    enableOfflineQueue: false,
    // Commands caught by a dropped connection fail at the first reconnect attempt instead of
    // waiting 20 of them, and are not re-sent: a re-sent counter increment would count twice.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Connection errors then surface as a rejected `connect()` the caller handles, not at construction.
    lazyConnect: true,
    // Exponential from 50 ms, capped so recovery is noticed within about a second; never gives up.
    retryStrategy: (attempt) => Math.min(50 * 2 ** (attempt - 1), maxDelay),
    connectionName: options.connectionName ?? 'umbral',
  });
  // ioredis emits 'error' on every failed (re)connect; unlistened, Node would crash the process.
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

/**
 * Closes a client: QUIT lets pending replies arrive; when Redis does not answer within `timeoutMs`
 * (or is gone), the socket is dropped instead. Never rejects; the client does not reconnect after.
 */
export async function closeRedis(client: Redis, timeoutMs = 1000): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('QUIT timed out')), timeoutMs); }),
    ]);
  } catch {
    // Not connected, or no answer: nothing is pending that could still arrive.
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
