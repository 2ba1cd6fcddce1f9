/** What an attempt gets from the policy running it. */
export interface AttemptContext {
  /** Aborts this attempt (caller abort or per-attempt timeout); absent when neither exists. */
  readonly signal?: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** Options for one execution through a policy. */
export interface ExecuteOptions {
  /** The caller's signal. */
  readonly signal?: AbortSignal | undefined;
  /** Whether the operation may be repeated safely; non-idempotent work is retried only when it provably never reached the target. */
  readonly idempotent: boolean;
  /** Operation name, for events and errors. */
  readonly operation: string;
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
