import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Registers umbral_http_connections and umbral_http_connections_refused_total on `registry` and
 * returns the observer that feeds them (server/connection-guard.ts reports to it).
 */
export function registerConnectionMetrics(registry: Registry): { open(count: number): void; refused(): void } {
  const open = new Gauge({ name: 'umbral_http_connections', help: 'HTTP connections open now.', registers: [registry] });
  const refused = new Counter({
    name: 'umbral_http_connections_refused_total',
    help: 'HTTP connections closed on accept because their client address held server.maxConnectionsPerAddress already.',
    registers: [registry],
  });
  return { open: (count) => open.set(count), refused: () => refused.inc() };
}
