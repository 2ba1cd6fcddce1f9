import { type Span, trace } from '@opentelemetry/api';
import { getInstruments } from './instruments';
import { ATTR, BREAKER_STATE_VALUES, type BreakerState, SPAN_EVENTS } from './names';
import { errorType, safeAttributes } from './safeAttributes';

function target(span: Span | undefined): Span | undefined {
  const chosen = span ?? trace.getActiveSpan();
  return chosen?.isRecording() ? chosen : undefined;
}

/** A retry about to happen. */
export interface RetryInfo {
  readonly connector: string;
  readonly operation: string;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** How long until the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** Why the attempt failed. */
  readonly error?: unknown;
  readonly tenant?: string;
}

/**
 * Records a scheduled retry: a `lifeline.retry` event on the span (the active
 * one by default) and +1 on `lifeline.retries`.
 *
 * @example
 * ```ts
 * recordRetry({ connector: 'acme', operation: 'credential.revoke', attempt: 1, delayMs: 200, error });
 * ```
 */
export function recordRetry(info: RetryInfo, span?: Span): void {
  const type = info.error === undefined ? undefined : errorType(info.error);
  target(span)?.addEvent(SPAN_EVENTS.retry, {
    [ATTR.attempt]: info.attempt,
    [ATTR.retryDelay]: info.delayMs / 1000,
    ...(type === undefined ? {} : { [ATTR.errorType]: type }),
  });
  getInstruments().retries.add(
    1,
    safeAttributes({
      [ATTR.connectorId]: info.connector,
      [ATTR.operation]: info.operation,
      [ATTR.tenant]: info.tenant,
      [ATTR.errorType]: type,
    }),
  );
}

/** A circuit breaker state change. */
export interface BreakerTransitionInfo {
  readonly connector: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly tenant?: string;
}

/**
 * Records a breaker transition: a `lifeline.breaker.transition` span event and
 * the new value of the `lifeline.breaker.state` gauge (0 closed, 1 half-open, 2 open).
 *
 * @example
 * ```ts
 * recordBreakerTransition({ connector: 'acme', from: 'closed', to: 'open' });
 * ```
 */
export function recordBreakerTransition(info: BreakerTransitionInfo, span?: Span): void {
  target(span)?.addEvent(SPAN_EVENTS.breakerTransition, {
    [ATTR.breakerPreviousState]: info.from,
    [ATTR.breakerState]: info.to,
  });
  getInstruments().breakerState.record(
    BREAKER_STATE_VALUES[info.to],
    safeAttributes({ [ATTR.connectorId]: info.connector, [ATTR.tenant]: info.tenant }),
  );
}

/**
 * Records a wait imposed by the rate limiter (or a Retry-After) as a
 * `lifeline.rate_limit.wait` span event, in seconds.
 *
 * @example
 * ```ts
 * recordRateLimitWait(250);
 * ```
 */
export function recordRateLimitWait(waitMs: number, span?: Span): void {
  target(span)?.addEvent(SPAN_EVENTS.rateLimitWait, { [ATTR.rateLimitWait]: waitMs / 1000 });
}

/**
 * Records a switch to another adapter version as a `lifeline.adapter.switch` span event.
 *
 * @example
 * ```ts
 * recordAdapterSwitch('2024-06', '2023-01');
 * ```
 */
export function recordAdapterSwitch(from: string, to: string, span?: Span): void {
  target(span)?.addEvent(
    SPAN_EVENTS.adapterSwitch,
    safeAttributes({ [ATTR.adapterFrom]: from, [ATTR.adapterTo]: to }),
  );
}
