/**
 * The checks of the connector conformance kit, in the order they run.
 *
 * @example
 * ```ts
 * const ids = CONFORMANCE_CHECKS.map((check) => check.id); // ['connection-test', 'list-complete', ...]
 * ```
 */
export const CONFORMANCE_CHECKS = [
  { id: 'connection-test', name: 'the connection test works' },
  { id: 'list-complete', name: 'a list is complete across pages' },
  { id: 'revoke-idempotent', name: 'a revocation is applied once; a second one is already_absent' },
  { id: 'revoke-missing', name: 'revoking a missing object is already_absent, not an error' },
  { id: 'disable-verified', name: 'a disable is verified by reading the account back' },
  { id: 'retry-after', name: 'a 429 with Retry-After is waited out, then retried' },
  { id: 'retry-idempotent-5xx', name: 'a 5xx is retried for an idempotent operation' },
  { id: 'no-retry-non-idempotent-5xx', name: 'a 5xx is not retried for a non-idempotent operation' },
  { id: 'breaker-opens', name: 'an outage opens the circuit breaker' },
  { id: 'drift-fails-closed', name: 'a breaking payload change is schema_drift, never a success' },
  { id: 'no-secret-leak', name: 'no secret appears in any audit event, span, log or error' },
] as const;

/** The id of one conformance check, e.g. `revoke-idempotent`. */
export type ConformanceCheckId = (typeof CONFORMANCE_CHECKS)[number]['id'];

/** The result of one check. */
export interface ConformanceCheckResult {
  readonly id: ConformanceCheckId;
  /** The check as a sentence. */
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed (what was expected, what happened, how to fix it), or why it was skipped. */
  readonly message?: string;
  /** What the check observed, e.g. `3 pages, 27 accounts`. */
  readonly notes: readonly string[];
  readonly durationMs: number;
}

/**
 * The structured result of `checkConnector`: one entry per check, in order.
 *
 * @example
 * ```ts
 * const report = await checkConnector(factory, options);
 * if (!report.passed) console.error(formatConformanceReport(report));
 * ```
 */
export interface ConformanceReport {
  /** The connector's id and version (from the first binding). */
  readonly connector: { readonly id: string; readonly version: string } | undefined;
  /** What the checks ran against. */
  readonly target: string | undefined;
  /** True when no check failed (skipped checks do not fail a report). */
  readonly passed: boolean;
  readonly counts: { readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly checks: readonly ConformanceCheckResult[];
  readonly durationMs: number;
}
