/**
 * The error taxonomy. Every error Lifeline throws is a {@link LifelineError}
 * with one of these codes, so a caller can decide what to do without parsing
 * messages.
 */
export const ERROR_CODES = [
  'not_found',
  'already_exists',
  'rate_limited',
  'transient',
  'timeout',
  'auth_failed',
  'forbidden',
  'schema_drift',
  'invalid_input',
  'circuit_open',
  'conflict',
  'unsupported',
  'permanent',
] as const;

/** One of the {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where an error happened; every field is optional and never holds a secret value. */
export interface ErrorContext {
  /** Connector id, e.g. `acme`. */
  readonly connector?: string;
  /** Operation name, e.g. `credential.revoke`. */
  readonly operation?: string;
  /** Tenant the bound connector talks to. */
  readonly tenant?: string;
  /** HTTP status, when the error came from a response. */
  readonly status?: number;
  /** HTTP method of the failed request. */
  readonly method?: string;
  /** Request URL without query string or credentials. */
  readonly url?: string;
}

/** Options accepted by every Lifeline error constructor. */
export interface LifelineErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /** Where it happened. */
  readonly context?: ErrorContext;
  /**
   * Whether the request may have reached the target. `false` only when it provably
   * did not (connection refused, DNS failure, open breaker); a non-idempotent
   * operation may be retried only then.
   */
  readonly mayHaveReachedServer?: boolean;
  /** Overrides the code's default retryability. */
  readonly retryable?: boolean;
}

const BRAND = Symbol.for('lifeline.error');

/**
 * Base class of every Lifeline error: a stable `code`, whether a retry may help,
 * the `cause`, and context fields. Use {@link isLifelineError} rather than
 * `instanceof`: it also recognises errors from another copy of the package.
 *
 * @example
 * ```ts
 * try { await acme.call('credential.revoke', { credential: { id } }); }
 * catch (error) {
 *   if (isLifelineError(error, 'not_found')) { ... } // already gone
 * }
 * ```
 */
export abstract class LifelineError extends Error {
  /** The taxonomy code. */
  abstract readonly code: ErrorCode;
  /** Whether retrying the same call may succeed. */
  readonly retryable: boolean;
  /** Whether the request may have reached the target (see {@link LifelineErrorOptions}). */
  readonly mayHaveReachedServer: boolean;
  /** Where it happened. */
  readonly context: ErrorContext;
  /** Marks Lifeline errors across duplicate package copies. */
  readonly [BRAND] = true;

  protected constructor(message: string, defaultRetryable: boolean, options: LifelineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? defaultRetryable;
    this.mayHaveReachedServer = options.mayHaveReachedServer ?? true;
    this.context = options.context ?? {};
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** A plain, secret-free object for logs and audit: code, message, context. */
  toJSON(): { name: string; code: ErrorCode; message: string; retryable: boolean; context: ErrorContext } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      context: this.context,
    };
  }
}

/**
 * True when `value` is a Lifeline error (from any copy of the package), optionally
 * with the given code.
 *
 * @example
 * ```ts
 * if (isLifelineError(error, 'rate_limited')) await sleep(error.retryAfterMs ?? 1000);
 * ```
 */
export function isLifelineError<C extends ErrorCode>(
  value: unknown,
  code?: C,
): value is LifelineError & { readonly code: C } {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}
