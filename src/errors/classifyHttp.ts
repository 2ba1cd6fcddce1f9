import type { ErrorContext, LifelineError } from './LifelineError';
import { parseRetryAfter } from './retryAfter';
import {
  AuthFailedError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PermanentError,
  RateLimitedError,
  TimeoutError,
  TransientError,
  UnsupportedError,
} from './taxonomy';

/** The parts of an HTTP response that classification reads. */
export interface HttpResponseLike {
  readonly status: number;
  readonly headers?: Headers | Readonly<Record<string, string | undefined>>;
}

/** Options of {@link classifyHttp}. */
export interface ClassifyHttpOptions {
  /** Context copied onto the error (status is added). */
  readonly context?: ErrorContext;
  /** Clock for HTTP-date Retry-After values; defaults to `Date.now()`. */
  readonly now?: number;
}

function header(headers: HttpResponseLike['headers'], name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

/**
 * Maps an HTTP response status to the error taxonomy, or `undefined` for
 * 1xx–3xx. Reads `Retry-After` (seconds or HTTP-date) on 429 and 503.
 *
 * | status | error |
 * |---|---|
 * | 400, 422 | `invalid_input` |
 * | 401 | `auth_failed` |
 * | 403 | `forbidden` |
 * | 404, 410 | `not_found` |
 * | 408 | `timeout` |
 * | 409, 412 | `conflict` |
 * | 429 | `rate_limited` (with `retryAfterMs`) |
 * | 501 | `unsupported` |
 * | 504 | `timeout` |
 * | other 5xx | `transient` |
 * | other 4xx | `permanent` |
 *
 * @example
 * ```ts
 * const error = classifyHttp(response, { context: { operation: 'credential.revoke' } });
 * if (error) throw error;
 * ```
 */
export function classifyHttp(
  response: HttpResponseLike,
  options: ClassifyHttpOptions = {},
): LifelineError | undefined {
  const { status } = response;
  if (status < 400) return undefined;
  const context: ErrorContext = { ...options.context, status };
  const opts = { context };
  switch (status) {
    case 400:
      return new InvalidInputError('The target rejected the request as malformed (HTTP 400).', opts);
    case 401:
      return new AuthFailedError(
        'The target rejected the connector credential (HTTP 401). Check that it is valid and not expired.',
        opts,
      );
    case 403:
      return new ForbiddenError(
        'The target refused the operation (HTTP 403). Grant the connector credential the permission it needs.',
        opts,
      );
    case 404:
      return new NotFoundError('The object was not found at the target (HTTP 404).', opts);
    case 408:
      return new TimeoutError('The target timed out waiting for the request (HTTP 408).', opts);
    case 409:
      return new ConflictError('The target reported a conflict (HTTP 409).', opts);
    case 410:
      return new NotFoundError('The object is gone from the target (HTTP 410).', opts);
    case 412:
      return new ConflictError('The object changed since it was read (HTTP 412 precondition failed).', opts);
    case 422:
      return new InvalidInputError('The target could not process the request (HTTP 422).', opts);
    case 429: {
      const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'), options.now);
      return new RateLimitedError('The target is rate limiting requests (HTTP 429).', {
        ...opts,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    case 501:
      return new UnsupportedError('The target does not implement this request (HTTP 501).', opts);
    case 504:
      return new TimeoutError('A gateway timed out before the target answered (HTTP 504).', opts);
    default:
      break;
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'), options.now);
    return new TransientError(`The target failed (HTTP ${status}).`, {
      ...opts,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new PermanentError(`The target rejected the request (HTTP ${status}).`, opts);
}
