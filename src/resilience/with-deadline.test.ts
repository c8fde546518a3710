import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDeadline } from './with-deadline.js';

/** Work that only ends when its signal fires, as a backend call does. */
const never = (signal: AbortSignal) => new Promise<never>((_, reject) => {
  if (signal.aborted) reject(signal.reason);
  signal.addEventListener('abort', () => reject(signal.reason));
});

describe('withDeadline', () => {
  it('returns what the work returns', async () => {
    assert.equal(await withDeadline(new AbortController().signal, 1000, async () => 42), 42);
  });

  it('aborts the work with UMBRAL_ERR_DEADLINE_EXCEEDED when time runs out', async () => {
    await assert.rejects(withDeadline(new AbortController().signal, 5, never), { code: 'UMBRAL_ERR_DEADLINE_EXCEEDED' });
  });

  it('aborts the work with UMBRAL_ERR_CANCELLED when the caller goes away, before or during', async () => {
    const gone = new AbortController();
    gone.abort();
    await assert.rejects(withDeadline(gone.signal, 1000, never), { code: 'UMBRAL_ERR_CANCELLED' });
    const leaving = new AbortController();
    setTimeout(() => leaving.abort(), 5);
    await assert.rejects(withDeadline(leaving.signal, 1000, never), { code: 'UMBRAL_ERR_CANCELLED' });
  });

  it('passes the work\'s own errors through', async () => {
    await assert.rejects(withDeadline(new AbortController().signal, 1000, async () => { throw new Error('boom'); }), /boom/);
  });
});
