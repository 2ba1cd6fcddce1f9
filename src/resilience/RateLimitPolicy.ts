import { z } from 'zod';
import { isLifelineError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { attemptOf } from './AttemptOptions';
import { Emitter, type Event } from './Event';
import type { AttemptContext, ExecuteOptions, ExecutionPolicy } from './ExecutionPolicy';
import { sleep } from './sleep';

/**
 * Schema of {@link RateLimitOptions}.
 *
 * @example
 * ```ts
 * RateLimitOptionsSchema.parse({ perSecond: 20 }).decreaseFactor; // 0.5
 * ```
 */
export const RateLimitOptionsSchema = z.strictObject({
  /** The ceiling: requests per second the target allows. */
  perSecond: z.number().positive().max(1e9),
  /** Requests that may start back to back after an idle period; defaults to a tenth of a second's worth (at least 1). */
  burst: z.number().min(1).max(1e9).optional(),
  /** The floor the rate is never cut below; defaults to `perSecond / 20`. */
  minPerSecond: z.number().positive().max(1e9).optional(),
  /** Multiplier applied to the rate on a 429. */
  decreaseFactor: z.number().gt(0).lt(1).default(0.5),
  /** Requests per second regained per second of successful traffic; defaults to `perSecond / 10` (half to full in 5 s). */
  recoveryPerSecond: z.number().positive().max(1e9).optional(),
  /** Pause of every caller after a 429 without Retry-After, in ms. */
  defaultPauseMs: z.number().min(0).max(900_000).default(1000),
});

/**
 * Options of {@link RateLimitPolicy}.
 *
 * @example
 * ```ts
 * const options: RateLimitOptions = { perSecond: 20, burst: 5 };
 * ```
 */
export type RateLimitOptions = z.input<typeof RateLimitOptionsSchema>;

/**
 * Emitted when a call has to wait for the rate limiter.
 *
 * @example
 * ```ts
 * limiter.onWait(({ waitMs, reason }) => metrics.waits.record(waitMs, { reason }));
 * ```
 */
export interface RateLimitWaitEvent {
  /** The operation waiting. */
  readonly operation: string;
  /** How long it waits, in ms. */
  readonly waitMs: number;
  /** `paused`: the target sent a 429 and every caller waits out its Retry-After; `rate`: pacing. */
  readonly reason: 'paused' | 'rate';
  /** The rate in force, requests per second. */
  readonly rate: number;
}

/**
 * An adaptive token bucket for one target (AIMD): calls start at most
 * `perSecond` per second with bursts of `burst`. A `rate_limited` error (429)
 * multiplies the rate by `decreaseFactor` (at most once per pause) and pauses
 * every caller of the target until its Retry-After has passed; the first call
 * after a pause starts alone. Successful calls regain `recoveryPerSecond` per
 * second, up to `perSecond`. Waiting honours the caller's AbortSignal.
 *
 * Implemented as a GCRA (virtual scheduling): a call reserves the next free
 * start time, so waiters start in arrival order without a timer per token.
 *
 * @example
 * ```ts
 * const limiter = new RateLimitPolicy({ perSecond: 20 });
 * await limiter.execute(() => revoke(key), { idempotent: true, operation: 'credential.revoke' });
 * limiter.rate; // 20, or less after a 429
 * ```
 */
export class RateLimitPolicy implements ExecutionPolicy {
  /** The validated options. */
  readonly options: z.output<typeof RateLimitOptionsSchema>;
  readonly #wait = new Emitter<RateLimitWaitEvent>();
  readonly #ceiling: number;
  readonly #floor: number;
  readonly #burst: number;
  readonly #recovery: number;
  #rate: number;
  /** Theoretical arrival time of the next call (GCRA), epoch ms. */
  #tat = 0;
  #pausedUntil = 0;
  #cutAllowedAt = 0;
  #lastAdjustAt = 0;
  /** Bumped on every 429, so sleepers re-reserve past the new pause. */
  #generation = 0;

  /** Fires when a call has to wait. */
  readonly onWait: Event<RateLimitWaitEvent> = this.#wait.event;

  constructor(options: RateLimitOptions) {
    this.options = parseInput(RateLimitOptionsSchema, options, 'rate limit options');
    const o = this.options;
    this.#ceiling = o.perSecond;
    this.#rate = o.perSecond;
    this.#burst = o.burst ?? Math.max(1, Math.ceil(o.perSecond / 10));
    this.#floor = Math.min(o.minPerSecond ?? o.perSecond / 20, o.perSecond);
    this.#recovery = o.recoveryPerSecond ?? o.perSecond / 10;
  }

  /** The rate in force, requests per second. */
  get rate(): number {
    return this.#rate;
  }

  /** Epoch ms until which every caller waits (0 when not paused). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T> {
    const now = Date.now();
    const at = this.#reserve(now);
    const context = attemptOf(options);
    if (at <= now) return this.#run(fn, context);
    return this.#waitThenRun(fn, context, options.operation, now, at);
  }

  /**
   * Reports a 429: cuts the rate (at most once per pause) and pauses every
   * caller for `retryAfterMs` (or `defaultPauseMs`). Called by `execute` on
   * `rate_limited` errors; callable by code that sees 429s elsewhere.
   *
   * @example
   * ```ts
   * limiter.penalize(3000); // every caller waits 3 s, then restarts at half the rate
   * ```
   */
  penalize(retryAfterMs?: number): void {
    const now = Date.now();
    const pause = retryAfterMs ?? this.options.defaultPauseMs;
    const until = now + pause;
    if (now >= this.#cutAllowedAt) {
      this.#rate = Math.max(this.#floor, this.#rate * this.options.decreaseFactor);
      this.#cutAllowedAt = now + Math.max(pause, 1000);
    }
    if (until > this.#pausedUntil) this.#pausedUntil = until;
    if (this.#pausedUntil > this.#lastAdjustAt) this.#lastAdjustAt = this.#pausedUntil;
    // Drop outstanding reservations: the first call after the pause starts alone.
    this.#tat = Math.max(this.#pausedUntil, now) + (this.#burst - 1) * (1000 / this.#rate);
    this.#generation++;
  }

  /** Reserves the next start time at or after `now`; returns it. */
  #reserve(now: number): number {
    const interval = 1000 / this.#rate;
    let at = this.#tat - (this.#burst - 1) * interval;
    if (at < now) at = now;
    if (at < this.#pausedUntil) at = this.#pausedUntil;
    this.#tat = Math.max(this.#tat, at) + interval;
    return at;
  }

  #run<T>(fn: (attempt: AttemptContext) => Promise<T>, context: AttemptContext): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = fn(context);
    } catch (error) {
      return Promise.reject(error);
    }
    return promise.then(this.#onSuccess, this.#onFailure) as Promise<T>;
  }

  readonly #onSuccess = <T>(value: T): T => {
    if (this.#rate < this.#ceiling) {
      const now = Date.now();
      const elapsed = now - this.#lastAdjustAt;
      if (elapsed > 0) {
        const next = this.#rate + (this.#recovery * elapsed) / 1000;
        this.#rate = Math.min(next, this.#ceiling);
        this.#lastAdjustAt = now;
      }
    }
    return value;
  };

  readonly #onFailure = (error: unknown): never => {
    if (isLifelineError(error, 'rate_limited')) {
      this.penalize((error as { retryAfterMs?: number }).retryAfterMs);
    }
    throw error;
  };

  async #waitThenRun<T>(
    fn: (attempt: AttemptContext) => Promise<T>,
    context: AttemptContext,
    operation: string,
    now: number,
    at: number,
  ): Promise<T> {
    let generation = this.#generation;
    let start = at;
    let current = now;
    while (start > current) {
      const waitMs = start - current;
      if (this.#wait.hasListeners) {
        this.#wait.emit({
          operation,
          waitMs,
          reason: this.#pausedUntil > current ? 'paused' : 'rate',
          rate: this.#rate,
        });
      }
      try {
        await sleep(waitMs, context.signal, operation);
      } catch (error) {
        if (generation === this.#generation) this.#tat -= 1000 / this.#rate; // give the slot back
        throw error;
      }
      current = Date.now();
      if (generation === this.#generation) break;
      // A 429 arrived while we slept: queue again behind the new pause.
      generation = this.#generation;
      start = this.#reserve(current);
    }
    return this.#run(fn, context);
  }
}
