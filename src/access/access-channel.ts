/**
 * Notification channel of access changes (payload `keys`, `users` or `sessions`): every replica
 * reloads that part of its in-memory directory, so that a revoked key, a disabled user or a
 * logged-out session is refused everywhere within a second. Stores notify inside the transaction
 * that made the change.
 */
export const ACCESS_CHANNEL = 'umbral_access';
export const ACCESS_CHANGES = ['keys', 'users', 'sessions'] as const;
export type AccessChange = (typeof ACCESS_CHANGES)[number];

export function isAccessChange(value: unknown): value is AccessChange {
  return (ACCESS_CHANGES as readonly unknown[]).includes(value);
}
