import { isLifelineError, type LifelineError, TimeoutError } from '../errors';

/**
 * The Lifeline error for an aborted wait or attempt: the signal's reason when it
 * already is one (a per-attempt timeout aborts with a `TimeoutError`), a
 * retryable `timeout` when a deadline signal fired, otherwise a non-retryable
 * `timeout` saying the caller aborted. `previous` (the last attempt's error)
 * becomes the cause and decides `mayHaveReachedServer`.
 *
 * @example
 * ```ts
 * if (signal.aborted) throw abortError(signal, 'credential.revoke');
 * ```
 */
export function abortError(signal: AbortSignal, operation: string, previous?: LifelineError): LifelineError {
  const reason: unknown = signal.reason;
  if (isLifelineError(reason)) return reason;
  const mayHaveReachedServer = previous?.mayHaveReachedServer ?? false;
  const cause = previous ?? reason;
  const name =
    typeof reason === 'object' && reason !== null ? (reason as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError') {
    return new TimeoutError(`The deadline of ${operation} passed before it could finish.`, {
      cause,
      context: { operation },
      mayHaveReachedServer,
    });
  }
  return new TimeoutError(`${operation} was aborted by its caller.`, {
    cause,
    context: { operation },
    mayHaveReachedServer,
    retryable: false,
  });
}
