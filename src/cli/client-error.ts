/**
 * Why a command failed, printed as `umbral: <message> (<code>)` with exit status 1: the server's
 * `{"error", "code"}` answer, a catalogue error found before sending anything, a server that cannot
 * be reached, or `serve` refusing to start in strict mode (no code for the last two).
 */
export class ClientError extends Error {
  /** What the user can do about it, printed on a line of its own. */
  readonly hint: string | undefined;

  constructor(
    message: string,
    /** `UMBRAL_ERR_…` from the server or the catalogue; undefined when there is none. */
    readonly code: string | undefined,
    /** HTTP status of the server's answer, when there was one. */
    readonly status?: number,
    options?: ErrorOptions & { hint?: string },
  ) {
    super(message, options);
    this.name = 'ClientError';
    this.hint = options?.hint;
  }

  /** The lines printed on stderr, each after `umbral: `. */
  describe(): string[] {
    const first = this.code === undefined ? this.message : `${this.message} (${this.code})`;
    return this.hint === undefined ? [first] : [first, this.hint];
  }
}
