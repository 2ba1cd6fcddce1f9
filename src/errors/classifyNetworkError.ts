import { type ErrorContext, isLifelineError, type LifelineError } from './LifelineError';
import { PermanentError, TimeoutError, TransientError } from './taxonomy';

/** Failures raised before any byte of the request left: the target never saw it. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Failures after the request may have been sent. */
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Timeouts after the request may have been sent. */
const TIMED_OUT = new Set([
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ESOCKETTIMEDOUT',
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function nameOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** Walks `error`, `error.cause`, ... (fetch wraps the real failure in a TypeError). */
function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** Options of {@link classifyNetworkError}. */
export interface ClassifyNetworkErrorOptions {
  /** Context copied onto the error. */
  readonly context?: ErrorContext;
  /** The caller's signal: when it is aborted, the abort is not retryable. */
  readonly callerSignal?: AbortSignal | undefined;
}

/**
 * Maps anything thrown while talking to a target into the taxonomy, and records
 * whether the request may have reached the server:
 *
 * - connection refused, DNS failure (`ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`,
 *   undici connect timeout) → `transient`, **not** sent;
 * - reset or closed mid-request (`ECONNRESET`, `EPIPE`, undici `UND_ERR_SOCKET`) → `transient`, maybe sent;
 * - `ETIMEDOUT`, undici header/body timeouts, `TimeoutError` aborts → `timeout`, maybe sent;
 * - an abort by the caller's own signal → `timeout`, not retryable;
 * - Lifeline errors pass through; anything else → `permanent`.
 *
 * @example
 * ```ts
 * try { await fetch(url, { signal }); }
 * catch (error) { throw classifyNetworkError(error, { context: { operation } }); }
 * ```
 */
export function classifyNetworkError(
  error: unknown,
  options: ClassifyNetworkErrorOptions = {},
): LifelineError {
  if (isLifelineError(error)) return error;
  const context = options.context ?? {};
  for (const candidate of causes(error)) {
    if (isLifelineError(candidate)) return candidate;
    const code = codeOf(candidate);
    if (code !== undefined) {
      if (NOT_SENT.has(code)) {
        return new TransientError(`Could not reach the target (${code}); the request was not sent.`, {
          cause: error,
          context,
          mayHaveReachedServer: false,
        });
      }
      if (MAYBE_SENT.has(code)) {
        return new TransientError(`The connection to the target failed mid-request (${code}).`, {
          cause: error,
          context,
        });
      }
      if (TIMED_OUT.has(code)) {
        return new TimeoutError(`The request to the target timed out (${code}).`, { cause: error, context });
      }
    }
    const name = nameOf(candidate);
    if (name === 'TimeoutError') {
      return new TimeoutError('The attempt timed out and was aborted.', { cause: error, context });
    }
    if (name === 'AbortError') {
      const reason = options.callerSignal?.aborted ? options.callerSignal.reason : undefined;
      if (nameOf(reason) === 'TimeoutError') {
        return new TimeoutError('The deadline passed and the request was aborted.', {
          cause: error,
          context,
        });
      }
      return new TimeoutError('The request was aborted by its caller.', {
        cause: error,
        context,
        retryable: false,
      });
    }
  }
  return new PermanentError('The operation failed with an unexpected error.', { cause: error, context });
}
