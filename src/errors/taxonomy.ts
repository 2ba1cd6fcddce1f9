import { LifelineError, type LifelineErrorOptions } from './LifelineError';

/**
 * The object does not exist at the target. On a revoke, disable or delete this
 * means `already_absent`, which is success once verified.
 *
 * @example
 * ```ts
 * if (response.status === 404) throw new NotFoundError('API key k_123 not found');
 * ```
 */
export class NotFoundError extends LifelineError {
  readonly code = 'not_found' as const;
  constructor(message = 'The object was not found at the target.', options?: LifelineErrorOptions) {
    super(message, false, options);
  }
}

/**
 * A create collided with an existing object.
 *
 * @example
 * ```ts
 * throw new AlreadyExistsError('Account svc-ci already exists');
 * ```
 */
export class AlreadyExistsError extends LifelineError {
  readonly code = 'already_exists' as const;
  constructor(message = 'The object already exists at the target.', options?: LifelineErrorOptions) {
    super(message, false, options);
  }
}

/** Options of {@link RateLimitedError}. */
export interface RateLimitedErrorOptions extends LifelineErrorOptions {
  /** How long the target asked us to wait (from Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
}

/**
 * The target is rate limiting us (HTTP 429). Retries wait at least `retryAfterMs`.
 *
 * @example
 * ```ts
 * throw new RateLimitedError('Slow down', { retryAfterMs: 2000 });
 * ```
 */
export class RateLimitedError extends LifelineError {
  readonly code = 'rate_limited' as const;
  /** How long the target asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message = 'The target is rate limiting requests.', options: RateLimitedErrorOptions = {}) {
    super(message, true, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Options of {@link TransientError}. */
export interface TransientErrorOptions extends LifelineErrorOptions {
  /** A Retry-After hint sent with a 503, in milliseconds. */
  readonly retryAfterMs?: number;
}

/**
 * A failure that may pass: 5xx, connection reset or refused, a full bulkhead.
 *
 * @example
 * ```ts
 * throw new TransientError('Target returned 503', { context: { status: 503 } });
 * ```
 */
export class TransientError extends LifelineError {
  readonly code = 'transient' as const;
  /** A Retry-After hint, when the target sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(message = 'The target failed transiently.', options: TransientErrorOptions = {}) {
    super(message, true, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The attempt ran out of time, or was aborted by its caller (then not retryable).
 *
 * @example
 * ```ts
 * throw new TimeoutError('No response within 5000 ms');
 * ```
 */
export class TimeoutError extends LifelineError {
  readonly code = 'timeout' as const;
  constructor(message = 'The request timed out.', options?: LifelineErrorOptions) {
    super(message, true, options);
  }
}

/**
 * The connector's own credential was rejected (HTTP 401). Lifeline refreshes a
 * refreshable credential once and retries; a static one is reported.
 *
 * @example
 * ```ts
 * throw new AuthFailedError('Token expired');
 * ```
 */
export class AuthFailedError extends LifelineError {
  readonly code = 'auth_failed' as const;
  constructor(
    message = 'The target rejected the connector credential. Check that it is valid and not expired.',
    options?: LifelineErrorOptions,
  ) {
    super(message, false, options);
  }
}

/**
 * The connector's credential lacks the permission for this operation (HTTP 403).
 *
 * @example
 * ```ts
 * throw new ForbiddenError('Missing scope keys:write');
 * ```
 */
export class ForbiddenError extends LifelineError {
  readonly code = 'forbidden' as const;
  constructor(
    message = 'The target refused the operation. Grant the connector credential the permission it needs.',
    options?: LifelineErrorOptions,
  ) {
    super(message, false, options);
  }
}

/** One field-level problem found while validating a payload. Never carries a value. */
export interface ValidationIssue {
  /** Where, as a list of keys and indexes. */
  readonly path: readonly (string | number)[];
  /** What is wrong, without the offending value. */
  readonly message: string;
  /** The zod issue code, e.g. `invalid_type`. */
  readonly code?: string;
  /** Expected type, when known. */
  readonly expected?: string;
  /** Received type (never the value), when known. */
  readonly received?: string;
}

/** How a field of a target payload changed. */
export type DriftChangeKind =
  | 'missing'
  | 'retyped'
  | 'renamed_candidate'
  | 'enum_value_added'
  | 'added'
  | 'invalid';

/** One change between what an adapter expects and what the target sent. Never holds a value. */
export interface DriftChange {
  /** Dotted path, array items as `[]`. */
  readonly path: string;
  /** What kind of change. */
  readonly kind: DriftChangeKind;
  /** What the adapter expected (a type or the allowed enum values). */
  readonly expected?: string;
  /** The JSON type that arrived (never the value). */
  readonly received?: string;
  /** For `renamed_candidate`: new sibling keys that may be the renamed field, as `key:type`. */
  readonly candidates?: readonly string[];
}

/**
 * Whether another known adapter accepts the payload (`version_mismatch`: the
 * target switched versions) or none does (`unknown_shape`: a new change).
 */
export type DriftHint = 'version_mismatch' | 'unknown_shape';

/** Options of {@link SchemaDriftError}. */
export interface SchemaDriftErrorOptions extends LifelineErrorOptions {
  /** Field problems, paths and types only. */
  readonly issues?: readonly ValidationIssue[];
  /** The adapter version that rejected the payload. */
  readonly adapterVersion?: string;
  /** A fingerprint of the shape that was seen. */
  readonly fingerprint?: string;
  /** The object kind being read (`credential`, `accountList`, ...). */
  readonly objectKind?: string;
  /** The structured diff. */
  readonly changes?: readonly DriftChange[];
  /** Version mismatch or unknown shape. */
  readonly hint?: DriftHint;
  /** The version of an adapter that accepts the payload, when one does. */
  readonly suggestedVersion?: string;
}

/**
 * The target's payload no longer matches what the connector expects: the API
 * changed. Never reported as success.
 *
 * @example
 * ```ts
 * throw new SchemaDriftError('credential response changed', { issues, adapterVersion: '2023-01' });
 * ```
 */
export class SchemaDriftError extends LifelineError {
  readonly code = 'schema_drift' as const;
  /** Field problems, paths and types only. */
  readonly issues: readonly ValidationIssue[];
  /** The adapter version that rejected the payload. */
  readonly adapterVersion: string | undefined;
  /** A fingerprint of the shape that was seen. */
  readonly fingerprint: string | undefined;
  /** The object kind being read. */
  readonly objectKind: string | undefined;
  /** The structured diff (paths and types only). */
  readonly changes: readonly DriftChange[];
  /** Version mismatch or unknown shape. */
  readonly hint: DriftHint | undefined;
  /** The version of an adapter that accepts the payload, when one does. */
  readonly suggestedVersion: string | undefined;
  constructor(
    message = 'The target payload does not match the expected schema.',
    options: SchemaDriftErrorOptions = {},
  ) {
    super(message, false, options);
    this.issues = options.issues ?? [];
    this.adapterVersion = options.adapterVersion;
    this.fingerprint = options.fingerprint;
    this.objectKind = options.objectKind;
    this.changes = options.changes ?? [];
    this.hint = options.hint;
    this.suggestedVersion = options.suggestedVersion;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      issues: this.issues,
      adapterVersion: this.adapterVersion,
      fingerprint: this.fingerprint,
      objectKind: this.objectKind,
      changes: this.changes,
      hint: this.hint,
      suggestedVersion: this.suggestedVersion,
    };
  }
}

/** Options of {@link InvalidInputError}. */
export interface InvalidInputErrorOptions extends LifelineErrorOptions {
  /** Field problems, paths and types only. */
  readonly issues?: readonly ValidationIssue[];
}

/**
 * Our own input is wrong: bad config, a bad operation input, or a request the
 * target rejected as malformed (400, 422).
 *
 * @example
 * ```ts
 * throw new InvalidInputError('config is invalid', { issues });
 * ```
 */
export class InvalidInputError extends LifelineError {
  readonly code = 'invalid_input' as const;
  /** Field problems, paths and types only. */
  readonly issues: readonly ValidationIssue[];
  constructor(message = 'The input is invalid.', options: InvalidInputErrorOptions = {}) {
    super(message, false, options);
    this.issues = options.issues ?? [];
  }

  override toJSON() {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/**
 * The circuit breaker for this target is open; the call did not touch the wire.
 *
 * @example
 * ```ts
 * if (isLifelineError(error, 'circuit_open')) escalate(step);
 * ```
 */
export class CircuitOpenError extends LifelineError {
  readonly code = 'circuit_open' as const;
  constructor(
    message = 'The circuit breaker for this target is open; the call was not sent.',
    options?: LifelineErrorOptions,
  ) {
    super(message, false, { mayHaveReachedServer: false, ...options });
  }
}

/**
 * A conflict: 409 or 412 from the target, or an idempotency key reused with a
 * different request.
 *
 * @example
 * ```ts
 * throw new ConflictError('ETag mismatch', { context: { status: 412 } });
 * ```
 */
export class ConflictError extends LifelineError {
  readonly code = 'conflict' as const;
  constructor(
    message = 'The request conflicts with the current state of the object.',
    options?: LifelineErrorOptions,
  ) {
    super(message, false, options);
  }
}

/**
 * The connector or target does not support this operation.
 *
 * @example
 * ```ts
 * throw new UnsupportedError('acme has no session.revoke operation');
 * ```
 */
export class UnsupportedError extends LifelineError {
  readonly code = 'unsupported' as const;
  constructor(message = 'The operation is not supported.', options?: LifelineErrorOptions) {
    super(message, false, options);
  }
}

/**
 * A failure that retrying will not fix.
 *
 * @example
 * ```ts
 * throw new PermanentError('Account is protected and cannot be deleted');
 * ```
 */
export class PermanentError extends LifelineError {
  readonly code = 'permanent' as const;
  constructor(message = 'The operation failed permanently.', options?: LifelineErrorOptions) {
    super(message, false, options);
  }
}
