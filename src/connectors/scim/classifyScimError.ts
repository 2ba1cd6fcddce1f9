import {
  AlreadyExistsError,
  AuthFailedError,
  ConflictError,
  classifyHttp,
  type ErrorContext,
  type LifelineError,
  PermanentError,
} from '../../errors';
import type { ScimError } from './scimWire';

/** What {@link classifyScimError} reads from a failed response. */
export interface ScimFailure {
  /** The HTTP status (or, for a 2xx carrying a SCIM Error body, the body's `status`). */
  readonly status: number;
  /** The response headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers?: Headers;
  /** The SCIM Error body, when the response carried one. */
  readonly scim?: ScimError | undefined;
  /** Where it happened. */
  readonly context?: ErrorContext;
}

const scimTypes = new WeakMap<LifelineError, string>();

/**
 * The `scimType` of an error raised from a SCIM Error body (`uniqueness`,
 * `invalidFilter`, `noTarget`, ...), when it had one.
 *
 * @example
 * ```ts
 * if (scimTypeOf(error) === 'invalidFilter') scanInstead();
 * ```
 */
export function scimTypeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? scimTypes.get(error as LifelineError) : undefined;
}

type ErrorClass = new (message: string, options: object) => LifelineError;

function rebuild(
  base: LifelineError,
  message: string,
  overrides: { retryable?: boolean } = {},
): LifelineError {
  const retryAfterMs = (base as { retryAfterMs?: number }).retryAfterMs;
  const Ctor = base.constructor as ErrorClass;
  return new Ctor(message, {
    context: base.context,
    retryable: overrides.retryable ?? base.retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Only the auth scheme of a `WWW-Authenticate` header: its parameters may echo request details. */
function authScheme(headers: Headers | undefined): string | undefined {
  const value = headers?.get('www-authenticate');
  const scheme = value?.trim().split(/[\s,]/, 1)[0];
  return scheme !== undefined && /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,31}$/.test(scheme)
    ? scheme
    : undefined;
}

/**
 * Maps a failed SCIM response to the error taxonomy: the status first (as
 * `classifyHttp` does, including `Retry-After`), refined by the SCIM Error
 * body's `scimType`:
 *
 * | response | error |
 * |---|---|
 * | 409 (or 400) + `uniqueness` | `already_exists` |
 * | other 409 | `conflict` |
 * | 412, 400 + `invalidVers` | `conflict`, retryable (re-read and write again) |
 * | 401 | `auth_failed` (names the `WWW-Authenticate` scheme) |
 * | 404 | `not_found` |
 * | 429 | `rate_limited` with `retryAfterMs` |
 * | 5xx | `transient` (501 `unsupported`, 504 `timeout`) |
 *
 * A body that is not a SCIM Error (HTML, empty, other JSON) is classified by
 * status alone. The error message names the `scimType` but never repeats the
 * server's `detail`, which may echo request values.
 *
 * @example
 * ```ts
 * throw classifyScimError({ status: 409, scim: { schemas: [SCIM_URN.error], status: 409, scimType: 'uniqueness' } });
 * ```
 */
export function classifyScimError(failure: ScimFailure): LifelineError {
  const { status, headers, scim } = failure;
  const context: ErrorContext = { ...failure.context, status };
  const base =
    classifyHttp({ status, ...(headers === undefined ? {} : { headers }) }, { context }) ??
    new PermanentError(`The target answered with a SCIM error (status ${status}).`, { context });
  const scimType = scim?.scimType;
  const suffix = scimType === undefined ? '' : ` SCIM scimType: ${scimType.slice(0, 64)}.`;
  let error: LifelineError;
  if (scimType === 'uniqueness' && (status === 409 || status === 400)) {
    error = new AlreadyExistsError(
      `The target already has a resource with that unique value (HTTP ${status}, scimType uniqueness).`,
      { context },
    );
  } else if (status === 412 || (status === 400 && scimType === 'invalidVers')) {
    error = new ConflictError(
      `The resource changed since it was read (HTTP ${status}${scimType ? `, scimType ${scimType}` : ''}); read it again and retry.`,
      { context, retryable: true },
    );
  } else if (status === 401) {
    const scheme = authScheme(headers);
    error = new AuthFailedError(
      `The SCIM server rejected the connector's bearer token (HTTP 401${scheme ? `, WWW-Authenticate: ${scheme}` : ''}). Check that it is valid and not expired.`,
      { context },
    );
  } else if (status === 409) {
    error = new ConflictError(`The SCIM server reported a conflict (HTTP 409).${suffix}`, { context });
  } else {
    error = suffix === '' ? base : rebuild(base, `${base.message}${suffix}`);
  }
  if (scimType !== undefined) scimTypes.set(error, scimType);
  return error;
}
