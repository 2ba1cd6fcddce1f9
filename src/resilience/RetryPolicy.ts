import pRetry, { type Options as PRetryOptions, type RetryContext } from 'p-retry';
import { z } from 'zod';
import { classifyNetworkError, type LifelineError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { AttemptOptions } from './AttemptOptions';
import { abortError } from './abortError';
import { Emitter, type Event } from './Event';
import type { AttemptContext, ExecuteOptions, ExecutionPolicy } from './ExecutionPolicy';
import { sleep } from './sleep';

const isFunction = (value: unknown): boolean => typeof value === 'function';

/**
 * Schema of {@link RetryOptions}; defaults applied on parse.
 *
 * @example
 * ```ts
 * RetryOptionsSchema.parse({}).retries; // 3
 * ```
 */
export const RetryOptionsSchema = z.strictObject({
  /** Retries after the first attempt (so `retries + 1` attempts at most). */
  retries: z.int().min(0).max(100).default(3),
  /** Backoff cap of the first retry, in ms; each retry multiplies it by `factor`. */
  baseDelayMs: z.number().min(0).max(3_600_000).default(200),
  /** Largest backoff cap, in ms (a longer Retry-After is still honoured). */
  maxDelayMs: z.number().min(0).max(3_600_000).default(30_000),
  /** Growth of the backoff cap per retry. */
  factor: z.number().min(1).max(10).default(2),
  /** Total deadline of a call including retries, in ms: no attempt starts and no wait ends after it. */
  maxElapsedMs: z.number().positive().max(86_400_000).default(120_000),
  /** Random source in [0, 1) for the jitter; `Math.random` by default (inject one in tests). */
  random: z.custom<() => number>(isFunction, 'must be a function returning a number in [0, 1)').optional(),
});

/**
 * Options of {@link RetryPolicy}.
 *
 * @example
 * ```ts
 * const options: RetryOptions = { retries: 5, baseDelayMs: 100, maxElapsedMs: 60_000 };
 * ```
 */
export type RetryOptions = z.input<typeof RetryOptionsSchema>;

/**
 * Emitted before each backoff wait.
 *
 * @example
 * ```ts
 * retry.onRetry(({ operation, attempt, delayMs, error }) => logger.info('retrying', { operation, attempt, delayMs, code: error.code }));
 * ```
 */
export interface RetryEvent {
  /** The operation being retried. */
  readonly operation: string;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** How long the policy waits before the next attempt. */
  readonly delayMs: number;
  /** Why the attempt failed. */
  readonly error: LifelineError;
}

/**
 * Why the retry policy stopped retrying a retryable failure.
 *
 * @example
 * ```ts
 * retry.onGiveUp(({ reason }: { reason: GiveUpReason }) => reason === 'not_idempotent' && escalate());
 * ```
 */
export type GiveUpReason = 'attempts' | 'deadline' | 'not_idempotent';

/**
 * Emitted when a retryable failure is returned to the caller without another attempt.
 *
 * @example
 * ```ts
 * retry.onGiveUp(({ operation, attempts, reason }) => logger.warn('gave up', { operation, attempts, reason }));
 * ```
 */
export interface GiveUpEvent {
  /** The operation. */
  readonly operation: string;
  /** Attempts made. */
  readonly attempts: number;
  /** Attempts exhausted, deadline reached, or a non-idempotent call that may have reached the target. */
  readonly reason: GiveUpReason;
  /** The error returned to the caller. */
  readonly error: LifelineError;
}

/** Per-call state; p-retry's callbacks are shared, so each failure carries it. */
interface CallState {
  readonly fn: (attempt: AttemptContext) => Promise<unknown>;
  readonly operation: string;
  readonly idempotent: boolean;
  readonly signal: AbortSignal | undefined;
  readonly deadline: number;
  attempts: number;
  stop: GiveUpReason | undefined;
}

/** Carries the classified error and its call through p-retry (allocated on failure only). */
class AttemptFailure extends Error {
  constructor(
    readonly error: LifelineError,
    readonly call: CallState,
  ) {
    super(error.message);
  }
}

function retryAfterOf(error: LifelineError): number | undefined {
  if (error.code !== 'rate_limited' && error.code !== 'transient') return undefined;
  const hint = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof hint === 'number' && hint > 0 ? hint : undefined;
}

/**
 * Retries retryable Lifeline errors with exponential backoff and full jitter
 * (each wait is uniform in [0, min(maxDelayMs, baseDelayMs × factor^n)]), on
 * p-retry 7.
 *
 * - Only errors with `retryable: true` are retried; others return at once.
 * - `rate_limited`, and `transient` with a Retry-After, wait at least `retryAfterMs`.
 * - A non-idempotent call is retried only when the error says the request never
 *   reached the target (`mayHaveReachedServer === false`: refused, DNS, open
 *   bulkhead), never after a timeout or a reset.
 * - Bounded by `retries` and by a total deadline (`maxElapsedMs`, or the
 *   caller's `deadline` when sooner): a wait that would end past it is not taken.
 * - Aborting the caller's signal cancels a pending wait at once.
 *
 * The first attempt runs directly (the happy path costs one `.then`); after a
 * retryable failure, p-retry 7 runs the remaining attempts with an options
 * object built once per policy, whose callbacks read the per-call state from
 * the failure they receive.
 *
 * @example
 * ```ts
 * const retry = new RetryPolicy({ retries: 5, baseDelayMs: 100 });
 * retry.onRetry(({ attempt, delayMs }) => logger.info('retrying', { attempt, delayMs }));
 * await retry.execute(({ signal }) => revoke(id, signal), { idempotent: true, operation: 'credential.revoke' });
 * ```
 */
export class RetryPolicy implements ExecutionPolicy {
  /** The validated options. */
  readonly options: z.output<typeof RetryOptionsSchema>;
  readonly #retry = new Emitter<RetryEvent>();
  readonly #giveUp = new Emitter<GiveUpEvent>();
  readonly #random: () => number;
  /** p-retry's options for the attempts after the first, built once. */
  readonly #tailOptions: PRetryOptions;

  /** Fires before each backoff wait. */
  readonly onRetry: Event<RetryEvent> = this.#retry.event;
  /** Fires when a retryable failure is given up on. */
  readonly onGiveUp: Event<GiveUpEvent> = this.#giveUp.event;

  constructor(options: RetryOptions = {}) {
    this.options = parseInput(RetryOptionsSchema, options, 'retry options');
    this.#random = this.options.random ?? Math.random;
    // Every field set, so p-retry's `??=` defaults add no properties per call;
    // minTimeout 0 leaves all waiting (jitter, Retry-After, abort) to shouldRetry.
    // The first attempt runs before p-retry, so it gets one retry less.
    this.#tailOptions = {
      retries: Math.max(0, this.options.retries - 1),
      factor: 1,
      minTimeout: 0,
      maxTimeout: 0,
      maxRetryTime: Number.POSITIVE_INFINITY,
      randomize: false,
      onFailedAttempt: () => {},
      shouldConsumeRetry: () => true,
      shouldRetry: (context) => this.#shouldRetry(context),
      signal: undefined,
      unref: false,
    };
  }

  /**
   * The wait before retry number `retry` (1 for the first) when no Retry-After applies.
   *
   * @example
   * ```ts
   * new RetryPolicy({ baseDelayMs: 100, random: () => 0.5 }).backoff(3); // 200
   * ```
   */
  backoff(retry: number): number {
    const { baseDelayMs, factor, maxDelayMs } = this.options;
    return this.#random() * Math.min(maxDelayMs, baseDelayMs * factor ** (retry - 1));
  }

  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal, options.operation));
    const startedAt = Date.now();
    let first: Promise<T>;
    try {
      first = fn(new AttemptOptions(options, signal, 1));
    } catch (error) {
      first = Promise.reject(error);
    }
    // The happy path never enters p-retry; the first failure hands over to it.
    return first.then(undefined, (error: unknown) => this.#retryAfterFirst(fn, options, startedAt, error));
  }

  async #retryAfterFirst<T>(
    fn: (attempt: AttemptContext) => Promise<T>,
    options: ExecuteOptions,
    startedAt: number,
    thrown: unknown,
  ): Promise<T> {
    const own = startedAt + this.options.maxElapsedMs;
    const call: CallState = {
      fn,
      operation: options.operation,
      idempotent: options.idempotent,
      signal: options.signal,
      deadline: options.deadline !== undefined && options.deadline < own ? options.deadline : own,
      attempts: 1,
      stop: undefined,
    };
    let error = classifyNetworkError(thrown, {
      callerSignal: call.signal,
      context: { operation: call.operation },
    });
    try {
      if (this.options.retries === 0) throw new AttemptFailure(error, call);
      if (!(await this.#decide(error, call, 1, 0))) throw new AttemptFailure(error, call);
      return (await pRetry((attempt: number) => this.#attempt(call, attempt + 1), this.#tailOptions)) as T;
    } catch (failure) {
      error =
        failure instanceof AttemptFailure
          ? failure.error
          : classifyNetworkError(failure, { callerSignal: call.signal });
      if (failure instanceof AttemptFailure && error.retryable && this.#giveUp.hasListeners) {
        const reason = call.stop ?? (call.signal?.aborted ? undefined : 'attempts');
        if (reason !== undefined) {
          this.#giveUp.emit({ operation: call.operation, attempts: call.attempts, reason, error });
        }
      }
      throw error;
    }
  }

  async #attempt(call: CallState, attempt: number): Promise<unknown> {
    call.attempts = attempt;
    const { signal } = call;
    if (signal?.aborted) throw new AttemptFailure(abortError(signal, call.operation), call);
    try {
      return await call.fn({ signal, attempt });
    } catch (error) {
      throw new AttemptFailure(
        classifyNetworkError(error, { callerSignal: signal, context: { operation: call.operation } }),
        call,
      );
    }
  }

  /** p-retry's `shouldRetry`: its attempt numbers start after the first attempt, which ran outside it. */
  #shouldRetry(context: RetryContext): Promise<boolean> | boolean {
    if (!(context.error instanceof AttemptFailure)) return false;
    const { error, call } = context.error;
    return this.#decide(error, call, context.attemptNumber + 1, context.retriesConsumed + 1);
  }

  /** Whether to retry after `attempt` failed with `error`; waits the backoff first when so. */
  async #decide(
    error: LifelineError,
    call: CallState,
    attempt: number,
    retriesConsumed: number,
  ): Promise<boolean> {
    if (!error.retryable || call.signal?.aborted) return false;
    if (!call.idempotent && error.mayHaveReachedServer !== false) {
      call.stop = 'not_idempotent';
      return false;
    }
    let delayMs = this.backoff(retriesConsumed + 1);
    const hint = retryAfterOf(error);
    if (hint !== undefined && hint > delayMs) delayMs = hint;
    if (Date.now() + delayMs >= call.deadline) {
      call.stop = 'deadline';
      return false;
    }
    this.#retry.emit({ operation: call.operation, attempt, delayMs, error });
    if (delayMs > 0) {
      try {
        await sleep(delayMs, call.signal, call.operation);
      } catch {
        throw new AttemptFailure(abortError(call.signal as AbortSignal, call.operation, error), call);
      }
    }
    return true;
  }
}
