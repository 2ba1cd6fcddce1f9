import { sleep } from '../resilience/sleep';
import type { BeginResult, Store } from './Store';

/** Options of {@link beginOrWait}. */
export interface BeginOrWaitOptions {
  /** This worker's lease owner. */
  readonly owner: string;
  /** Lease length in ms. */
  readonly leaseMs: number;
  /** How long to wait for another worker's lease before returning `in_progress`. */
  readonly maxWaitMs: number;
  /** Cancels the waits. */
  readonly signal: AbortSignal | undefined;
  /** Names the waiting operation in an abort error (default `ledger`). */
  readonly operation?: string;
}

/**
 * Begins `key` in the ledger; while another worker holds it, waits with
 * exponential backoff (50 ms to 2 s, never past the holder's lease expiry or
 * `maxWaitMs`), then returns whatever `begin` says — `in_progress` when the
 * wait ran out.
 *
 * @example
 * ```ts
 * const begun = await beginOrWait(store, key, fingerprint, { owner, leaseMs: 60_000, maxWaitMs: 30_000, signal });
 * if (begun.status === 'acquired') ...
 * ```
 */
export async function beginOrWait(
  store: Store,
  key: string,
  fingerprint: string,
  options: BeginOrWaitOptions,
): Promise<BeginResult> {
  const beginOptions: { owner: string; leaseMs: number; signal?: AbortSignal } = {
    owner: options.owner,
    leaseMs: options.leaseMs,
  };
  if (options.signal) beginOptions.signal = options.signal;
  let result = await store.begin(key, fingerprint, beginOptions);
  if (result.status !== 'in_progress') return result;
  // Only a held key waits: the clock is read after the first begin.
  const deadline = Date.now() + options.maxWaitMs;
  let delay = 50;
  for (;;) {
    if (result.status !== 'in_progress') return result;
    const now = Date.now();
    if (now >= deadline) return result;
    // Never sleep past the holder's lease expiry (it may be taken over then) or our deadline.
    const wait = Math.max(1, Math.min(delay, result.leaseExpiresAt - now + 1, deadline - now));
    await sleep(wait, options.signal, options.operation ?? 'ledger');
    delay = Math.min(delay * 2, 2000);
    result = await store.begin(key, fingerprint, beginOptions);
  }
}
