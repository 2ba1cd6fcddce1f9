import { z } from 'zod';
import { TimeoutError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { abortError } from './abortError';
import { Emitter, type Event } from './Event';
import type { AttemptContext, ExecuteOptions, ExecutionPolicy } from './ExecutionPolicy';

/**
 * Schema of {@link TimeoutOptions}.
 *
 * @example
 * ```ts
 * TimeoutOptionsSchema.parse({ ms: 5000 });
 * ```
 */
export const TimeoutOptionsSchema = z.strictObject({
  /** How long one attempt may run, in ms. */
  ms: z.int().min(1).max(3_600_000),
});

/**
 * Options of {@link TimeoutPolicy}.
 *
 * @example
 * ```ts
 * const options: TimeoutOptions = { ms: 5000 };
 * ```
 */
export type TimeoutOptions = z.input<typeof TimeoutOptionsSchema>;

/**
 * Emitted when an attempt runs out of time.
 *
 * @example
 * ```ts
 * timeout.onTimeout(({ operation, attempt, timeoutMs }) => logger.warn('attempt timed out', { operation, attempt, timeoutMs }));
 * ```
 */
export interface TimeoutEvent {
  /** The operation. */
  readonly operation: string;
  /** The attempt that timed out. */
  readonly attempt: number;
  /** The limit that passed, in ms. */
  readonly timeoutMs: number;
}

/**
 * Bounds each attempt: after `ms` the attempt's signal aborts with a retryable
 * `TimeoutError` (`mayHaveReachedServer: true`) and the call rejects with it at
 * once, even if the function ignores its signal. A caller abort is forwarded
 * to the attempt's signal. The timer is cleared as soon as the attempt settles.
 *
 * @example
 * ```ts
 * const timeout = new TimeoutPolicy({ ms: 5000 });
 * await timeout.execute(({ signal }) => fetch(url, { signal }), { idempotent: true, operation: 'account.get' });
 * ```
 */
export class TimeoutPolicy implements ExecutionPolicy {
  /** The validated options. */
  readonly options: z.output<typeof TimeoutOptionsSchema>;
  readonly #timeout = new Emitter<TimeoutEvent>();

  /** Fires when an attempt times out. */
  readonly onTimeout: Event<TimeoutEvent> = this.#timeout.event;

  constructor(options: TimeoutOptions) {
    this.options = parseInput(TimeoutOptionsSchema, options, 'timeout options');
  }

  execute<T>(fn: (attempt: AttemptContext) => Promise<T>, options: ExecuteOptions): Promise<T> {
    const { ms } = this.options;
    const { operation } = options;
    const attempt = options.attempt ?? 1;
    const caller = options.signal;
    if (caller?.aborted) return Promise.reject(abortError(caller, operation));
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onCallerAbort =
        caller === undefined
          ? undefined
          : (): void => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              controller.abort(caller.reason);
              reject(abortError(caller, operation));
            };
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        if (caller !== undefined && onCallerAbort !== undefined)
          caller.removeEventListener('abort', onCallerAbort);
        return true;
      };
      const timer = setTimeout(() => {
        if (!finish()) return;
        const error = new TimeoutError(`${operation} attempt ${attempt} got no response within ${ms} ms.`, {
          context: { operation },
        });
        this.#timeout.emit({ operation, attempt, timeoutMs: ms });
        controller.abort(error);
        reject(error);
      }, ms);
      if (caller !== undefined && onCallerAbort !== undefined) {
        caller.addEventListener('abort', onCallerAbort, { once: true });
      }
      let promise: Promise<T>;
      try {
        promise = fn({ signal: controller.signal, attempt });
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (value) => {
          if (finish()) resolve(value);
        },
        (error: unknown) => {
          if (finish()) reject(error);
        },
      );
    });
  }
}
