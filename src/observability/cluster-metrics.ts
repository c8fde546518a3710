import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

interface MetricsRequest { readonly kind: 'umbral:metrics-request'; readonly id: number }
interface MetricsAnswer { readonly kind: 'umbral:metrics'; readonly id: number; readonly text?: string }

/**
 * In the primary of `umbral serve --workers N`: answers a worker's request for the metrics of every
 * worker, summed (counters, histograms, most gauges) or combined as each gauge says (`aggregator`:
 * readiness and store health take the minimum, hit ratios the average), with prom-client's
 * AggregatorRegistry. Returns a function that stops answering.
 */
export function serveClusterMetrics(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isKind<MetricsRequest>(message, 'umbral:metrics-request')) return;
    const answer = (text?: string) => {
      if (worker.isConnected()) worker.send({ kind: 'umbral:metrics', id: message.id, ...(text === undefined ? {} : { text }) } satisfies MetricsAnswer);
    };
    aggregator.clusterMetrics().then(answer, () => answer());
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/**
 * In a worker, first thing: answers the primary's collection requests (with nothing until
 * `clusterMetricsRenderer` names the registry), so that a worker still starting never makes the
 * others' scrape wait for its timeout.
 */
export function answerMetricsCollection(): void {
  // Constructed in a worker, prom-client's AggregatorRegistry answers the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([]);
}

/**
 * In a worker: lets the primary collect `registry`, and returns the renderer that asks the primary
 * for every worker's metrics; it yields undefined (the caller renders its own) when the primary does
 * not answer within `timeoutMs`.
 */
export function clusterMetricsRenderer(registry: Registry, timeoutMs = 3000): () => Promise<string | undefined> {
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, (text: string | undefined) => void>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (isKind<MetricsAnswer>(message, 'umbral:metrics')) pending.get(message.id)?.(message.text);
  });
  return () => new Promise((resolve) => {
    const id = next++;
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (text: string | undefined) => {
      clearTimeout(timer);
      pending.delete(id);
      resolve(text);
    };
    pending.set(id, finish);
    process.send?.({ kind: 'umbral:metrics-request', id } satisfies MetricsRequest);
  });
}

function isKind<T extends { kind: string }>(message: unknown, kind: T['kind']): message is T {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === kind;
}
