/** What the server itself is doing, as readiness sees it. */
export class Lifecycle {
  readonly startedAt = Date.now();
  #shuttingDown = false;

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** From this moment readiness answers 503, whatever the models' state. */
  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }
}
