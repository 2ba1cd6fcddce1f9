import type { LifelineError } from '../errors';

const local = new WeakSet<object>();

/**
 * Marks an error raised by a policy layer itself (a full bulkhead, an aborted
 * wait) rather than by the target, so the circuit breaker does not count it.
 *
 * @example
 * ```ts
 * throw markLocal(new TransientError('bulkhead full', { mayHaveReachedServer: false }));
 * ```
 */
export function markLocal<E extends LifelineError>(error: E): E {
  local.add(error);
  return error;
}

/**
 * True when {@link markLocal} marked `error`.
 *
 * @example
 * ```ts
 * if (isLocalRejection(error)) return false; // not the target's fault
 * ```
 */
export function isLocalRejection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && local.has(error);
}
