import { AttemptOptions } from './AttemptOptions';
import {
  type AttemptContext,
  directPolicy,
  type ExecuteOptions,
  type ExecutionPolicy,
} from './ExecutionPolicy';

type Run<T> = (attempt: AttemptContext) => Promise<T>;

/**
 * The function an outer policy runs: the inner policy, given this attempt's
 * signal and number. (Returned, not assigned to a binding, so bundlers that
 * keep function names add no per-call cost.)
 */
function link<T>(policy: ExecutionPolicy, next: Run<T>, options: ExecuteOptions): Run<T> {
  return (attempt) =>
    policy.execute(
      next,
      // A built-in policy's context already is this attempt's options; a custom one's is copied.
      attempt instanceof AttemptOptions
        ? attempt
        : new AttemptOptions(options, attempt.signal, attempt.attempt),
    );
}

/**
 * Composes policies, outermost first: `wrap(retry, breaker)` retries calls that
 * go through the breaker. Each policy hands the next one its attempt's signal
 * and number. A short fold; no policy is nested by hand.
 *
 * @example
 * ```ts
 * const policy = wrap(new RetryPolicy(), new CircuitBreakerPolicy(), new TimeoutPolicy({ ms: 5000 }));
 * await policy.execute(({ signal }) => fetch(url, { signal }), { idempotent: true, operation: 'account.get' });
 * ```
 */
export function wrap(...policies: readonly ExecutionPolicy[]): ExecutionPolicy {
  const [outer, ...inner] = policies;
  if (outer === undefined) return directPolicy;
  if (inner.length === 0) return outer;
  return {
    execute<T>(fn: Run<T>, options: ExecuteOptions): Promise<T> {
      let run = fn;
      for (let i = inner.length - 1; i >= 0; i--) run = link(inner[i] as ExecutionPolicy, run, options);
      return outer.execute(run, options);
    },
  };
}
