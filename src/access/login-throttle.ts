import { Errors } from '../errors/catalogue.js';
import type { CounterStore } from './rate-limit/counter-store.js';

export interface LoginThrottleSettings {
  /** Failed logins allowed per account within the window. */
  readonly perAccount: number;
  /** Failed logins allowed per client address within the window. */
  readonly perAddress: number;
  readonly windowMs: number;
}

/**
 * Slows password guessing: failures are counted per account (one victim, many addresses) and per
 * client address (one attacker, many accounts); past either limit, logins answer 429 until the
 * window slides, without checking the password, so a correct guess is not even confirmed.
 */
export class LoginThrottle {
  constructor(private readonly store: CounterStore, private readonly settings: LoginThrottleSettings) {}

  /** Throws UMBRAL_ERR_LOGIN_THROTTLED when either count is at its limit. */
  async check(account: string, address: string): Promise<void> {
    const [byAccount, byAddress] = await Promise.all([
      this.store.hit(this.#accountKey(account), this.settings.perAccount, this.settings.windowMs, 0),
      this.store.hit(this.#addressKey(address), this.settings.perAddress, this.settings.windowMs, 0),
    ]);
    const blocked = [byAccount, byAddress].filter((decision) => !decision.allowed);
    if (blocked.length > 0) {
      throw Errors.loginThrottled(Math.max(1, Math.ceil(Math.max(...blocked.map((d) => d.resetMs)) / 1000)));
    }
  }

  /** Counts one failed login against both the account and the address. */
  async failed(account: string, address: string): Promise<void> {
    await Promise.all([
      this.store.hit(this.#accountKey(account), this.settings.perAccount, this.settings.windowMs),
      this.store.hit(this.#addressKey(address), this.settings.perAddress, this.settings.windowMs),
    ]);
  }

  #accountKey(account: string): string {
    return `login:account:${account.trim().normalize('NFKC').toLowerCase().slice(0, 128)}`;
  }

  #addressKey(address: string): string {
    return `login:address:${address}`;
  }
}
