/**
 * Notification channel of access changes (payload `keys` or `users`): every replica reloads that
 * part of its in-memory directory, so that a revoked key or a disabled user is refused everywhere
 * within a second. Stores notify inside the transaction that made the change.
 */
export const ACCESS_CHANNEL = 'umbral_access';
export type AccessChange = 'keys' | 'users';
