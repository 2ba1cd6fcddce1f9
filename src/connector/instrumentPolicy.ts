import type { ExecutionPolicy } from '../resilience/ExecutionPolicy';
import type { ResiliencePolicy } from '../resilience/ResiliencePolicy';
import type { BreakerState } from '../telemetry/names';
import { recordBreakerTransition, recordRateLimitWait, recordRetry } from '../telemetry/spanEvents';

const instrumented = new WeakSet<object>();

function isResilient(policy: ExecutionPolicy): policy is ResiliencePolicy {
  return typeof (policy as Partial<ResiliencePolicy>).onRetry === 'function';
}

const STATE: Record<string, BreakerState> = { closed: 'closed', open: 'open', halfOpen: 'half_open' };

/**
 * Forwards a resilience policy's events to OpenTelemetry once per policy:
 * retries and rate-limit waits as events on the active operation span (and
 * the retries counter), breaker transitions as span events and the breaker
 * state gauge. A no-op for policies without events, and cheap when no SDK is
 * registered.
 *
 * @example
 * ```ts
 * instrumentPolicy(bound.policy, 'acme', 't1');
 * ```
 */
export function instrumentPolicy(policy: ExecutionPolicy, connector: string, tenant: string): void {
  if (!isResilient(policy) || instrumented.has(policy)) return;
  instrumented.add(policy);
  policy.onRetry((event) =>
    recordRetry({
      connector,
      tenant,
      operation: event.operation,
      attempt: event.attempt,
      delayMs: event.delayMs,
      error: event.error,
    }),
  );
  policy.onRateLimitWait((event) => recordRateLimitWait(event.waitMs));
  const transition = (event: { state: string; previous: string }) =>
    recordBreakerTransition({
      connector,
      tenant,
      from: STATE[event.previous] ?? 'closed',
      to: STATE[event.state] ?? 'closed',
    });
  policy.onBreakerOpen(transition);
  policy.onBreakerHalfOpen(transition);
  policy.onBreakerClose(transition);
}
