/**
 * Something that can be unsubscribed or released.
 *
 * @example
 * ```ts
 * const subscription = policy.onRetry((e) => log(e));
 * subscription.dispose();
 * ```
 */
export interface Disposable {
  /** Releases it; calling twice is harmless. */
  dispose(): void;
}

/**
 * A typed subscription: call it with a listener, get a {@link Disposable} back.
 *
 * @example
 * ```ts
 * const onRetry: Event<RetryEvent> = policy.onRetry;
 * const sub = onRetry(({ attempt, delayMs }) => metrics.retries.add(1));
 * ```
 */
export type Event<T> = (listener: (data: T) => void) => Disposable;

/**
 * A disposable that does nothing: what subscribing to a disabled layer returns.
 *
 * @example
 * ```ts
 * const sub: Disposable = noopDisposable;
 * ```
 */
export const noopDisposable: Disposable = Object.freeze({ dispose() {} });

/**
 * An event that never fires (the event of a layer that is switched off).
 *
 * @example
 * ```ts
 * const onBreakerOpen: Event<BreakerTransitionEvent> = neverEvent;
 * ```
 */
export const neverEvent: Event<never> = () => noopDisposable;

/**
 * The private emitter behind each policy's events. Listeners run synchronously;
 * one that throws is ignored, so an audit or telemetry subscriber can never
 * break a call. Not exported from the package: owners expose `event` only.
 *
 * @example
 * ```ts
 * const retries = new Emitter<RetryEvent>();
 * export const onRetry = retries.event;
 * retries.emit({ operation: 'credential.revoke', attempt: 1, delayMs: 200, error });
 * ```
 */
export class Emitter<T> {
  private listeners: ReadonlyArray<(data: T) => void> = [];

  /** Subscribes a listener; the returned disposable unsubscribes it. */
  readonly event: Event<T> = (listener) => {
    this.listeners = [...this.listeners, listener];
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        const index = this.listeners.indexOf(listener);
        if (index >= 0)
          this.listeners = [...this.listeners.slice(0, index), ...this.listeners.slice(index + 1)];
      },
    };
  };

  /** Whether anyone listens (emitters skip building payloads when nobody does). */
  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /** Calls every listener subscribed at this moment. */
  emit(data: T): void {
    for (const listener of this.listeners) {
      try {
        listener(data);
      } catch {
        // A subscriber must never fail the call it observes.
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.listeners = [];
  }
}
