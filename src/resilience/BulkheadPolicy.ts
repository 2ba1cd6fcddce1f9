import { z } from 'zod';
import { TransientError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { attemptOf } from './AttemptOptions';
import { abortError } from './abortError';
import { Emitter, type Event } from './Event';
import type { AttemptContext, ExecuteOptions, ExecutionPolicy } from './ExecutionPolicy';
import { markLocal } from './localRejection';

/**
 * Schema of {@link BulkheadOptions}.
 *
 * @example
 * ```ts
 * BulkheadOptionsSchema.parse({ maxConcurrent: 4 }); // { maxConcurrent: 4, maxQueue: 256 }
 * ```
 */
export const BulkheadOptionsSchema = z.strictObject({
  /** Calls running at once against the target. */
  maxConcurrent: z.int().min(1).max(100_000).default(16),
  /** Calls waiting for a slot; one more is rejected with `transient`. */
  maxQueue: z.int().min(0).max(10_000_000).default(256),
});

/**
 * Options of {@link BulkheadPolicy}.
 *
 * @example
 * ```ts
 * const options: BulkheadOptions = { maxConcurrent: 4, maxQueue: 100 };
 * ```
 */
export type BulkheadOptions = z.input<typeof BulkheadOptionsSchema>;

/**
 * Emitted when a call is turned away because the queue is full.
 *
 * @example
 * ```ts
 * bulkhead.onReject(({ operation, active, queued }) => logger.warn('bulkhead full', { operation, active, queued }));
 * ```
 */
export interface BulkheadRejectEvent {
  /** The rejected operation. */
  readonly operation: string;
  /** Calls running. */
  readonly active: number;
  /** Calls queued. */
  readonly queued: number;
}

/** A queued call: a node of a doubly linked list, so an aborted waiter leaves in O(1). */
interface Waiter {
  prev: Waiter | undefined;
  next: Waiter | undefined;
  readonly start: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

/**
 * Limits concurrent calls to one target, with a bounded FIFO queue. A call
 * arriving at a full queue fails at once with a `transient` error that never
 * reached the target (`mayHaveReachedServer: false`, so even a non-idempotent
 * call may retry it, and the breaker ignores it). A queued call whose signal
 * aborts leaves the queue at once.
 *
 * @example
 * ```ts
 * const bulkhead = new BulkheadPolicy({ maxConcurrent: 4, maxQueue: 100 });
 * await Promise.all(keys.map((key) =>
 *   bulkhead.execute(() => revoke(key), { idempotent: true, operation: 'credential.revoke' })));
 * ```
 */
export class BulkheadPolicy implements ExecutionPolicy {
  /** The validated options. */
  readonly options: z.output<typeof BulkheadOptionsSchema>;
  readonly #reject = new Emitter<BulkheadRejectEvent>();
  readonly #max: number;
  #active = 0;
  #queued = 0;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;

  /** Fires when a call is rejected because the queue is full. */
  readonly onReject: Event<BulkheadRejectEvent> = this.#reject.event;

  constructor(options: BulkheadOptions = {}) {
    this.options = parseInput(BulkheadOptionsSchema, options, 'bulkhead options');
    this.#max = this.options.maxConcurrent;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#queued;
  }

  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T> {
    const context = attemptOf(options);
    // A free slot implies an empty queue: release hands slots to waiters directly.
    if (this.#active < this.#max) {
      this.#active++;
      return this.#run(fn, context);
    }
    const { operation } = options;
    if (this.#queued >= this.options.maxQueue) {
      this.#reject.emit({ operation, active: this.#active, queued: this.#queued });
      return Promise.reject(
        markLocal(
          new TransientError(
            `Too many concurrent calls to this target: ${this.#active} running and ${this.#queued} queued; ${operation} was not sent. Lower the caller's concurrency or raise bulkhead.maxQueue.`,
            { context: { operation }, mayHaveReachedServer: false },
          ),
        ),
      );
    }
    const { signal } = context;
    if (signal?.aborted) return Promise.reject(markLocal(abortError(signal, operation)));
    return new Promise<T>((resolve, reject) => {
      const onAbort =
        signal === undefined
          ? undefined
          : (): void => {
              this.#unlink(waiter);
              reject(markLocal(abortError(signal, operation)));
            };
      const waiter: Waiter = {
        prev: this.#tail,
        next: undefined,
        signal,
        onAbort,
        start: () => resolve(this.#run(fn, context)),
      };
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.#queued++;
      if (signal !== undefined && onAbort !== undefined)
        signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #run<T>(fn: (attempt: AttemptContext) => Promise<T>, context: AttemptContext): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = fn(context);
    } catch (error) {
      this.#release();
      return Promise.reject(error);
    }
    return promise.then(this.#releaseValue, this.#releaseError) as Promise<T>;
  }

  readonly #releaseValue = <T>(value: T): T => {
    this.#release();
    return value;
  };

  readonly #releaseError = (error: unknown): never => {
    this.#release();
    throw error;
  };

  #release(): void {
    const next = this.#head;
    if (next === undefined) {
      this.#active--;
      return;
    }
    this.#unlink(next);
    if (next.signal !== undefined && next.onAbort !== undefined)
      next.signal.removeEventListener('abort', next.onAbort);
    next.start(); // the slot passes straight to the next waiter
  }

  #unlink(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.#queued--;
  }
}
