import { z } from 'zod';
import { BulkheadOptionsSchema } from './BulkheadPolicy';
import { CircuitBreakerOptionsSchema } from './CircuitBreakerPolicy';
import { RateLimitOptionsSchema } from './RateLimitPolicy';
import { RetryOptionsSchema } from './RetryPolicy';

/**
 * Per-attempt timeout applied when none is configured, in ms.
 *
 * @example
 * ```ts
 * createResiliencePolicy({ timeout: DEFAULT_ATTEMPT_TIMEOUT_MS * 2 });
 * ```
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;

/**
 * Schema of {@link ResilienceOptions}. Each layer takes its options, or `false`
 * to switch it off. Absent: retry, breaker and bulkhead on with defaults, a
 * 30 s per-attempt timeout, no rate limit (set `rateLimit.perSecond` to the
 * target's documented limit).
 *
 * @example
 * ```ts
 * const options = ResilienceOptionsSchema.parse({ rateLimit: { perSecond: 20 } });
 * ```
 */
export const ResilienceOptionsSchema = z.strictObject({
  /** Retry with backoff and full jitter (see `RetryPolicy`). */
  retry: z.union([RetryOptionsSchema, z.literal(false)]).optional(),
  /** Circuit breaker (see `CircuitBreakerPolicy`). */
  breaker: z.union([CircuitBreakerOptionsSchema, z.literal(false)]).optional(),
  /** Adaptive rate limit (see `RateLimitPolicy`); off unless given. */
  rateLimit: z.union([RateLimitOptionsSchema, z.literal(false)]).optional(),
  /** Concurrency limit with a bounded queue (see `BulkheadPolicy`). */
  bulkhead: z.union([BulkheadOptionsSchema, z.literal(false)]).optional(),
  /** Per-attempt timeout in ms, or `false` for none. */
  timeout: z.union([z.int().min(1).max(3_600_000), z.literal(false)]).optional(),
  /** Name of the target, e.g. `acme/tenant-1` (breaker name, messages). */
  name: z.string().min(1).max(256).optional(),
});

/**
 * Options of {@link createResiliencePolicy}.
 *
 * @example
 * ```ts
 * const options: ResilienceOptions = { retry: { retries: 5 }, rateLimit: { perSecond: 20 }, timeout: 10_000 };
 * ```
 */
export type ResilienceOptions = z.input<typeof ResilienceOptionsSchema>;
