import type { CallOptions } from './BoundConnector';

/** Shared, frozen: most calls carry no signal, and the hot paths make one call per step. */
const NO_CALL_OPTIONS: CallOptions = Object.freeze({});

/**
 * The options of a `bound.call` that is cancelled by `signal` (when there is
 * one), without allocating an empty object per call when there is not.
 *
 * @example
 * ```ts
 * await bound.call('credential.revoke', { credential }, callOptions(signal));
 * ```
 */
export function callOptions(signal: AbortSignal | undefined): CallOptions {
  return signal === undefined ? NO_CALL_OPTIONS : { signal };
}
