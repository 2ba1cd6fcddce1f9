export { abortError } from './abortError';
export {
  type BulkheadOptions,
  BulkheadOptionsSchema,
  BulkheadPolicy,
  type BulkheadRejectEvent,
} from './BulkheadPolicy';
export {
  type BreakerSnapshot,
  BreakerSnapshotSchema,
  BreakerStatsSchema,
  type BreakerTransitionEvent,
  type CircuitBreakerOptions,
  CircuitBreakerOptionsSchema,
  CircuitBreakerPolicy,
  type CircuitBreakerState,
  countsAsBreakerFailure,
} from './CircuitBreakerPolicy';
export { type Disposable, type Event, neverEvent, noopDisposable } from './Event';
export {
  type AttemptContext,
  directPolicy,
  type ExecuteOptions,
  type ExecutionPolicy,
} from './ExecutionPolicy';
export {
  type RateLimitOptions,
  RateLimitOptionsSchema,
  RateLimitPolicy,
  type RateLimitWaitEvent,
} from './RateLimitPolicy';
export {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  type ResilienceOptions,
  ResilienceOptionsSchema,
} from './ResilienceOptions';
export { createResiliencePolicy, type ResilienceEvent, ResiliencePolicy } from './ResiliencePolicy';
export { type PolicyCreatedEvent, ResilienceRegistry } from './ResilienceRegistry';
export {
  type GiveUpEvent,
  type GiveUpReason,
  type RetryEvent,
  type RetryOptions,
  RetryOptionsSchema,
  RetryPolicy,
} from './RetryPolicy';
export { type TimeoutEvent, type TimeoutOptions, TimeoutOptionsSchema, TimeoutPolicy } from './TimeoutPolicy';
export { wrap } from './wrap';
