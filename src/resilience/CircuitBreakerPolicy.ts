import CircuitBreaker from 'opossum';
import { z } from 'zod';
import { CircuitOpenError, isLifelineError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { attemptOf } from './AttemptOptions';
import { Emitter, type Event } from './Event';
import type { AttemptContext, ExecuteOptions, ExecutionPolicy } from './ExecutionPolicy';
import { isLocalRejection } from './localRejection';

/**
 * A breaker's state.
 *
 * @example
 * ```ts
 * if (policy.breaker?.state === 'open') escalate(step);
 * ```
 */
export type CircuitBreakerState = 'closed' | 'open' | 'halfOpen';

/**
 * Rolling-window counters carried in a {@link BreakerSnapshot}.
 *
 * @example
 * ```ts
 * BreakerStatsSchema.parse({ fires: 10, failures: 6, successes: 4, rejects: 0, timeouts: 2 });
 * ```
 */
export const BreakerStatsSchema = z.object({
  fires: z.int().min(0),
  failures: z.int().min(0),
  successes: z.int().min(0),
  rejects: z.int().min(0),
  timeouts: z.int().min(0),
});

/**
 * Schema of {@link BreakerSnapshot}: what `toJSON()` returns and `initialState`
 * accepts, so a store can persist breaker state across restarts.
 *
 * @example
 * ```ts
 * const snapshot = BreakerSnapshotSchema.parse(JSON.parse(await store.get('breaker:acme/t1')));
 * ```
 */
export const BreakerSnapshotSchema = z.object({
  state: z.enum(['closed', 'open', 'halfOpen']),
  /** Epoch ms when the breaker last opened (present when open). */
  openedAt: z.number().optional(),
  stats: BreakerStatsSchema.optional(),
});

/**
 * A breaker's exportable state.
 *
 * @example
 * ```ts
 * const snapshot: BreakerSnapshot = { state: 'open', openedAt: Date.now() };
 * ```
 */
export type BreakerSnapshot = z.infer<typeof BreakerSnapshotSchema>;

/**
 * Schema of {@link CircuitBreakerOptions}; names and meanings follow opossum 9.
 *
 * @example
 * ```ts
 * CircuitBreakerOptionsSchema.parse({}).volumeThreshold; // 10
 * ```
 */
export const CircuitBreakerOptionsSchema = z.strictObject({
  /** Failure percentage in the rolling window above which the breaker opens. */
  errorThresholdPercentage: z.number().min(0).max(100).default(50),
  /** Calls in the rolling window before the breaker may open at all (opossum's default 0 opens on the first failure). */
  volumeThreshold: z.int().min(1).max(1_000_000).default(10),
  /** How long the breaker stays open before letting one probe through (half-open), in ms. */
  resetTimeout: z.int().min(1).max(86_400_000).default(30_000),
  /** Length of the rolling statistics window, in ms. */
  rollingCountTimeout: z.int().min(10).max(3_600_000).default(10_000),
  /** Buckets in the rolling window. */
  rollingCountBuckets: z.int().min(1).max(1000).default(10),
  /** Track latency percentiles (costs memory per call). Off unless asked for. */
  rollingPercentilesEnabled: z.boolean().default(false),
  /** Emit opossum's periodic stats snapshots (one more timer). Off unless asked for. */
  enableSnapshots: z.boolean().default(false),
  /** State to start from, e.g. a persisted `toJSON()`. */
  initialState: BreakerSnapshotSchema.optional(),
  /** Name used by opossum and in errors, e.g. `acme/tenant-1`. */
  name: z.string().min(1).max(256).optional(),
});

/**
 * Options of {@link CircuitBreakerPolicy}.
 *
 * @example
 * ```ts
 * const options: CircuitBreakerOptions = { errorThresholdPercentage: 50, resetTimeout: 15_000 };
 * ```
 */
export type CircuitBreakerOptions = z.input<typeof CircuitBreakerOptionsSchema>;

/**
 * Emitted on each breaker transition.
 *
 * @example
 * ```ts
 * breaker.onOpen(({ name, previous, at }) => pager.notify(`${name}: ${previous} → open at ${at}`));
 * ```
 */
export interface BreakerTransitionEvent {
  /** The state entered. */
  readonly state: CircuitBreakerState;
  /** The state left. */
  readonly previous: CircuitBreakerState;
  /** Epoch ms of the transition. */
  readonly at: number;
  /** The breaker's name. */
  readonly name: string;
}

/** Only failures that say something about the target's health count. */
const COUNTED = new Set(['transient', 'timeout', 'rate_limited']);

/**
 * True when `error` counts as a breaker failure: `transient`, `timeout` or
 * `rate_limited` from the target. A caller's own abort (a non-retryable
 * timeout) and rejections by other policy layers (full bulkhead) do not count;
 * neither do `not_found`, `invalid_input`, `schema_drift`, `conflict`,
 * `forbidden`, `auth_failed` or any other code.
 *
 * @example
 * ```ts
 * countsAsBreakerFailure(new TransientError('503')); // true
 * countsAsBreakerFailure(new NotFoundError());       // false
 * ```
 */
export function countsAsBreakerFailure(error: unknown): boolean {
  return isLifelineError(error) && COUNTED.has(error.code) && error.retryable && !isLocalRejection(error);
}

type Action = (
  fn: (attempt: AttemptContext) => Promise<unknown>,
  attempt: AttemptContext,
) => Promise<unknown>;
const action: Action = (fn, attempt) => fn(attempt);

/** opossum's constructor also reads `state` (typed options omit it). */
type OpossumOptions = CircuitBreaker.Options<Parameters<Action>> & {
  state?: { enabled: boolean; warmUp: boolean; closed: boolean; halfOpen: boolean; shutdown: boolean };
};

/**
 * A circuit breaker on opossum 9, counting only failures that say the target
 * is unhealthy (see {@link countsAsBreakerFailure}). Open → calls fail at once
 * with `circuit_open` (`mayHaveReachedServer: false`) without running; after
 * `resetTimeout` one probe runs (half-open): success closes, a counted failure
 * reopens. State round-trips through `toJSON()` and `initialState`.
 *
 * Percentile tracking and snapshots are off unless asked for; opossum's timers
 * are unref'd; `shutdown()` clears them all.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreakerPolicy({ volumeThreshold: 5, resetTimeout: 10_000 });
 * breaker.onOpen(() => alert('acme is down'));
 * await breaker.execute(() => listKeys(), { idempotent: true, operation: 'credential.list' });
 * store.save('acme', breaker.toJSON());
 * ```
 */
export class CircuitBreakerPolicy implements ExecutionPolicy {
  /** The validated options. */
  readonly options: z.output<typeof CircuitBreakerOptionsSchema>;
  readonly #breaker: CircuitBreaker<Parameters<Action>, unknown>;
  readonly #open = new Emitter<BreakerTransitionEvent>();
  readonly #halfOpen = new Emitter<BreakerTransitionEvent>();
  readonly #close = new Emitter<BreakerTransitionEvent>();
  #state: CircuitBreakerState;
  #openedAt: number | undefined;

  /** Fires when the breaker opens. */
  readonly onOpen: Event<BreakerTransitionEvent> = this.#open.event;
  /** Fires when the breaker lets a probe through. */
  readonly onHalfOpen: Event<BreakerTransitionEvent> = this.#halfOpen.event;
  /** Fires when the breaker closes again. */
  readonly onClose: Event<BreakerTransitionEvent> = this.#close.event;

  constructor(options: CircuitBreakerOptions = {}) {
    this.options = parseInput(CircuitBreakerOptionsSchema, options, 'circuit breaker options');
    const o = this.options;
    const name = o.name ?? 'lifeline';
    const initial = o.initialState;
    const now = Date.now();
    let state: CircuitBreakerState = initial?.state ?? 'closed';
    let resetTimeout = o.resetTimeout;
    if (state === 'open') {
      // Resume the remaining open time instead of restarting it.
      const elapsed = initial?.openedAt === undefined ? 0 : Math.max(0, now - initial.openedAt);
      if (elapsed >= o.resetTimeout) state = 'halfOpen';
      else resetTimeout = o.resetTimeout - elapsed;
      this.#openedAt = initial?.openedAt ?? now;
    }
    this.#state = state;
    const status = CircuitBreaker.newStatus({
      rollingCountTimeout: o.rollingCountTimeout,
      rollingCountBuckets: o.rollingCountBuckets,
      rollingPercentilesEnabled: o.rollingPercentilesEnabled,
      enableSnapshots: o.enableSnapshots,
      ...(initial?.stats === undefined
        ? {}
        : { stats: { ...emptyBucket(), ...initial.stats, latencyMean: 0 } }),
    });
    const opossumOptions: OpossumOptions = {
      name,
      status,
      timeout: false,
      resetTimeout,
      errorThresholdPercentage: o.errorThresholdPercentage,
      volumeThreshold: o.volumeThreshold,
      rollingCountTimeout: o.rollingCountTimeout,
      rollingCountBuckets: o.rollingCountBuckets,
      rollingPercentilesEnabled: o.rollingPercentilesEnabled,
      enableSnapshots: o.enableSnapshots,
      errorFilter: (error: unknown) => !countsAsBreakerFailure(error),
      ...(initial === undefined
        ? {}
        : {
            state: {
              enabled: true,
              warmUp: false,
              closed: state === 'closed',
              halfOpen: state === 'halfOpen',
              shutdown: false,
            },
          }),
    };
    this.#breaker = new CircuitBreaker(action, opossumOptions);
    // opossum keeps this very object as its options: the remaining open time is
    // armed by now, so later openings use the configured reset timeout.
    opossumOptions.resetTimeout = o.resetTimeout;
    this.#breaker.on('open', () => this.#transition('open', this.#open));
    this.#breaker.on('halfOpen', () => this.#transition('halfOpen', this.#halfOpen));
    this.#breaker.on('close', () => this.#transition('closed', this.#close));
  }

  /** The breaker's name. */
  get name(): string {
    return this.#breaker.name;
  }

  /** The current state. */
  get state(): CircuitBreakerState {
    return this.#state;
  }

  /** Whether `shutdown()` was called. */
  get isShutdown(): boolean {
    return this.#breaker.isShutdown;
  }

  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T> {
    const breaker = this.#breaker;
    if (!breaker.closed && !breaker.pendingClose) return Promise.reject(this.#rejection(options.operation));
    return breaker.fire(fn, attemptOf(options)) as Promise<T>;
  }

  /**
   * The exportable state: `state`, `openedAt` when open, rolling counters.
   *
   * @example
   * ```ts
   * const restored = new CircuitBreakerPolicy({ initialState: JSON.parse(JSON.stringify(breaker)) });
   * ```
   */
  toJSON(): BreakerSnapshot {
    const stats = this.#breaker.stats;
    return {
      state: this.#state,
      ...(this.#state === 'open' && this.#openedAt !== undefined ? { openedAt: this.#openedAt } : {}),
      stats: {
        fires: stats.fires,
        failures: stats.failures,
        successes: stats.successes,
        rejects: stats.rejects,
        timeouts: stats.timeouts,
      },
    };
  }

  /**
   * Stops the breaker: clears its timers and listeners. Later calls fail with
   * `circuit_open`.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => breaker.shutdown());
   * ```
   */
  shutdown(): void {
    if (this.#breaker.isShutdown) return;
    this.#breaker.shutdown();
    this.#open.clear();
    this.#halfOpen.clear();
    this.#close.clear();
  }

  #rejection(operation: string): CircuitOpenError {
    const name = this.#breaker.name;
    if (this.#breaker.isShutdown) {
      return new CircuitOpenError(
        `The resilience policy for ${name} was shut down; ${operation} was not sent.`,
        {
          context: { operation },
        },
      );
    }
    const wait =
      this.#state === 'open' && this.#openedAt !== undefined
        ? ` It will let a probe through in about ${Math.max(0, this.#openedAt + this.options.resetTimeout - Date.now())} ms.`
        : ' A probe call is in flight.';
    return new CircuitOpenError(
      `The circuit breaker for ${name} is open after repeated failures; ${operation} was not sent.${wait}`,
      { context: { operation } },
    );
  }

  #transition(state: CircuitBreakerState, emitter: Emitter<BreakerTransitionEvent>): void {
    const previous = this.#state;
    const at = Date.now();
    this.#state = state;
    if (state === 'open') this.#openedAt = at;
    else if (state === 'closed') this.#openedAt = undefined;
    emitter.emit({ state, previous, at, name: this.#breaker.name });
  }
}

function emptyBucket(): CircuitBreaker.Bucket {
  return {
    failures: 0,
    fallbacks: 0,
    successes: 0,
    rejects: 0,
    fires: 0,
    timeouts: 0,
    cacheHits: 0,
    cacheMisses: 0,
    semaphoreRejections: 0,
    percentiles: {},
    latencyTimes: [],
  };
}
