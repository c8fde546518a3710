import { setTimeout as sleep } from 'node:timers/promises';

/** Test helper: collects notification payloads; `next(n)` waits (up to 5 s) until n have arrived. */
export function payloadCollector() {
  const items: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    items,
    push: (payload: string): void => {
      items.push(payload);
      waiters.splice(0).forEach((wake) => wake());
    },
    async next(count: number): Promise<string[]> {
      const deadline = Date.now() + 5_000;
      while (items.length < count && Date.now() < deadline) {
        await Promise.race([new Promise<void>((wake) => waiters.push(wake)), sleep(100)]);
      }
      return [...items];
    },
  };
}
