/**
 * What an attempt gets from the policy running it.
 *
 * @example
 * ```ts
 * const fn = ({ signal, attempt }: AttemptContext) => fetch(url, { signal, headers: { 'x-attempt': String(attempt) } });
 * ```
 */
export interface AttemptContext {
  /**
   * Aborts this attempt (caller abort or per-attempt timeout); absent or
   * `undefined` when neither exists, so no signal is created on the happy path.
   */
  readonly signal?: AbortSignal | undefined;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * Options for one execution through a policy.
 *
 * @example
 * ```ts
 * const options: ExecuteOptions = { idempotent: true, operation: 'credential.revoke', signal };
 * ```
 */
export interface ExecuteOptions {
  /** The caller's signal. */
  readonly signal?: AbortSignal | undefined;
  /** Whether the operation may be repeated safely; non-idempotent work is retried only when it provably never reached the target. */
  readonly idempotent: boolean;
  /** Operation name, for events and errors. */
  readonly operation: string;
  /** Epoch ms after which no new attempt starts and no wait extends (the caller's own deadline). */
  readonly deadline?: number | undefined;
  /** The attempt number an outer retry assigned; inner policies pass it on (1 when absent). */
  readonly attempt?: number | undefined;
}

/**
 * The one execution shape every resilience policy shares.
 *
 * @example
 * ```ts
 * const result = await policy.execute(({ signal }) => fetch(url, { signal }), {
 *   idempotent: true, operation: 'credential.get',
 * });
 * ```
 */
export interface ExecutionPolicy {
  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T>;
}

/**
 * A policy that runs the function once, as is. Used when a connector is bound
 * without resilience (tests, one-off scripts).
 *
 * @example
 * ```ts
 * const bound = acme.with(config, credential, { policy: directPolicy });
 * ```
 */
export const directPolicy: ExecutionPolicy = {
  execute(fn, options) {
    return fn(options.signal === undefined ? { attempt: 1 } : { signal: options.signal, attempt: 1 });
  },
};
