import { parseInput } from '../errors/parseInput';
import { BulkheadPolicy, type BulkheadRejectEvent } from './BulkheadPolicy';
import {
  type BreakerSnapshot,
  type BreakerTransitionEvent,
  CircuitBreakerPolicy,
} from './CircuitBreakerPolicy';
import { type Disposable, type Event, neverEvent } from './Event';
import type { AttemptContext, ExecuteOptions, ExecutionPolicy } from './ExecutionPolicy';
import { RateLimitPolicy, type RateLimitWaitEvent } from './RateLimitPolicy';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  type ResilienceOptions,
  ResilienceOptionsSchema,
} from './ResilienceOptions';
import { type GiveUpEvent, type RetryEvent, RetryPolicy } from './RetryPolicy';
import { type TimeoutEvent, TimeoutPolicy } from './TimeoutPolicy';
import { wrap } from './wrap';

const never = neverEvent as Event<never>;

/**
 * One target's composed policy: retry → bulkhead → circuit breaker → rate
 * limit → per-attempt timeout (outermost first; docs/decisions/0003 explains
 * the order: the breaker never sees a local bulkhead rejection, and an open
 * breaker fails calls before they spend a rate-limit token). Every layer's events are exposed here; a switched-off layer's
 * event never fires.
 *
 * @example
 * ```ts
 * const policy = createResiliencePolicy({ rateLimit: { perSecond: 20 } });
 * policy.onBreakerOpen(({ name }) => pager.notify(`${name} is failing`));
 * await policy.execute(({ signal }) => revoke(key, signal), { idempotent: true, operation: 'credential.revoke' });
 * ```
 */
export class ResiliencePolicy implements ExecutionPolicy {
  /** The target's name. */
  readonly name: string;
  /** The retry layer, when on. */
  readonly retry: RetryPolicy | undefined;
  /** The circuit breaker, when on. */
  readonly breaker: CircuitBreakerPolicy | undefined;
  /** The bulkhead, when on. */
  readonly bulkhead: BulkheadPolicy | undefined;
  /** The adaptive rate limiter, when on. */
  readonly rateLimit: RateLimitPolicy | undefined;
  /** The per-attempt timeout, when on. */
  readonly timeout: TimeoutPolicy | undefined;
  readonly #chain: ExecutionPolicy;

  /** Before each backoff wait. */
  readonly onRetry: Event<RetryEvent>;
  /** When a retryable failure is returned without another attempt. */
  readonly onGiveUp: Event<GiveUpEvent>;
  /** When the breaker opens. */
  readonly onBreakerOpen: Event<BreakerTransitionEvent>;
  /** When the breaker lets a probe through. */
  readonly onBreakerHalfOpen: Event<BreakerTransitionEvent>;
  /** When the breaker closes. */
  readonly onBreakerClose: Event<BreakerTransitionEvent>;
  /** When a call waits for the rate limiter. */
  readonly onRateLimitWait: Event<RateLimitWaitEvent>;
  /** When the bulkhead turns a call away. */
  readonly onBulkheadReject: Event<BulkheadRejectEvent>;
  /** When an attempt times out. */
  readonly onTimeout: Event<TimeoutEvent>;

  /** Use {@link createResiliencePolicy}. */
  constructor(options: ResilienceOptions = {}) {
    const o = parseInput(ResilienceOptionsSchema, options, 'resilience options');
    this.name = o.name ?? 'lifeline';
    this.retry = o.retry === false ? undefined : new RetryPolicy(o.retry ?? {});
    this.breaker =
      o.breaker === false
        ? undefined
        : new CircuitBreakerPolicy({ ...(o.breaker ?? {}), name: o.breaker?.name ?? this.name });
    this.bulkhead = o.bulkhead === false ? undefined : new BulkheadPolicy(o.bulkhead ?? {});
    this.rateLimit =
      o.rateLimit === undefined || o.rateLimit === false ? undefined : new RateLimitPolicy(o.rateLimit);
    const ms = o.timeout ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.timeout = ms === false ? undefined : new TimeoutPolicy({ ms });
    const layers = [this.retry, this.bulkhead, this.breaker, this.rateLimit, this.timeout].filter(
      (layer): layer is NonNullable<typeof layer> => layer !== undefined,
    );
    this.#chain = wrap(...layers);
    this.onRetry = this.retry?.onRetry ?? never;
    this.onGiveUp = this.retry?.onGiveUp ?? never;
    this.onBreakerOpen = this.breaker?.onOpen ?? never;
    this.onBreakerHalfOpen = this.breaker?.onHalfOpen ?? never;
    this.onBreakerClose = this.breaker?.onClose ?? never;
    this.onRateLimitWait = this.rateLimit?.onWait ?? never;
    this.onBulkheadReject = this.bulkhead?.onReject ?? never;
    this.onTimeout = this.timeout?.onTimeout ?? never;
  }

  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T> {
    return this.#chain.execute(fn, options);
  }

  /**
   * Subscribes one listener to every event, tagged with its kind: the hook the
   * audit and telemetry layers use.
   *
   * @example
   * ```ts
   * const sub = policy.subscribe((e) => span.addEvent(`lifeline.${e.kind}`));
   * sub.dispose();
   * ```
   */
  subscribe(listener: (event: ResilienceEvent) => void): Disposable {
    const subs = [
      this.onRetry((data) => listener({ kind: 'retry', data })),
      this.onGiveUp((data) => listener({ kind: 'giveUp', data })),
      this.onBreakerOpen((data) => listener({ kind: 'breakerOpen', data })),
      this.onBreakerHalfOpen((data) => listener({ kind: 'breakerHalfOpen', data })),
      this.onBreakerClose((data) => listener({ kind: 'breakerClose', data })),
      this.onRateLimitWait((data) => listener({ kind: 'rateLimitWait', data })),
      this.onBulkheadReject((data) => listener({ kind: 'bulkheadReject', data })),
      this.onTimeout((data) => listener({ kind: 'timeout', data })),
    ];
    return {
      dispose: () => {
        for (const sub of subs) sub.dispose();
      },
    };
  }

  /**
   * Exportable state: the breaker's snapshot (restore it with `breaker.initialState`).
   *
   * @example
   * ```ts
   * await store.put(`breaker:${policy.name}`, JSON.stringify(policy));
   * ```
   */
  toJSON(): { name: string; breaker: BreakerSnapshot | undefined } {
    return { name: this.name, breaker: this.breaker?.toJSON() };
  }

  /**
   * Releases the breaker's timers and every listener; later calls fail with
   * `circuit_open` (or run unprotected when the breaker is off).
   *
   * @example
   * ```ts
   * policy.shutdown();
   * ```
   */
  shutdown(): void {
    this.breaker?.shutdown();
  }
}

/**
 * Any resilience event, tagged with its kind (see {@link ResiliencePolicy.subscribe}).
 *
 * @example
 * ```ts
 * policy.subscribe((event: ResilienceEvent) => { if (event.kind === 'retry') log(event.data.delayMs); });
 * ```
 */
export type ResilienceEvent =
  | { readonly kind: 'retry'; readonly data: RetryEvent }
  | { readonly kind: 'giveUp'; readonly data: GiveUpEvent }
  | {
      readonly kind: 'breakerOpen' | 'breakerHalfOpen' | 'breakerClose';
      readonly data: BreakerTransitionEvent;
    }
  | { readonly kind: 'rateLimitWait'; readonly data: RateLimitWaitEvent }
  | { readonly kind: 'bulkheadReject'; readonly data: BulkheadRejectEvent }
  | { readonly kind: 'timeout'; readonly data: TimeoutEvent };

/**
 * Builds one target's composed policy from validated options (an
 * `invalid_input` error lists every bad field).
 *
 * @example
 * ```ts
 * const policy = createResiliencePolicy({
 *   retry: { retries: 5 }, breaker: { errorThresholdPercentage: 50 }, rateLimit: { perSecond: 20 },
 * });
 * ```
 */
export function createResiliencePolicy(options: ResilienceOptions = {}): ResiliencePolicy {
  return new ResiliencePolicy(options);
}
