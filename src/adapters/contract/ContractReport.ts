import type { AdapterSwitchEvent } from '../AdapterResolver';

/**
 * How a payload differs from the baseline. From comparing shapes: `missing`
 * and `retyped` (breaking); `added`, `typed` (the baseline only ever saw
 * `null` there), `nullable` (now also `null`) and `new_payload` (an operation
 * or kind the baseline did not cover) are additive. From a `schema_drift`
 * raised by the exercise (breaking): the drift diff's own kinds
 * (`missing`, `retyped`, `renamed_candidate`, `enum_value_added`, `added`,
 * `invalid`), or `drift` when it carried no field diff. `unsupported`: the
 * operation or the target's version is no longer supported (breaking).
 */
export type ContractChangeKind =
  | 'missing'
  | 'retyped'
  | 'renamed_candidate'
  | 'enum_value_added'
  | 'added'
  | 'invalid'
  | 'typed'
  | 'nullable'
  | 'new_payload'
  | 'drift'
  | 'unsupported';

/** One difference between the baseline and what the target sends now. Paths and types only. */
export interface ContractChange {
  readonly operation: string;
  /** The payload kind (`account`, `credentialList`, ...); `response` when the error named none. */
  readonly kind: string;
  readonly change: ContractChangeKind;
  /** Dotted path, array items as `[]`; absent for a whole payload. */
  readonly path?: string;
  /** What the baseline (or the adapter) expected: types joined by `|`. */
  readonly expected?: string;
  /** What arrived now: types joined by `|`. */
  readonly received?: string;
  /** For `renamed_candidate`: new sibling keys, as `key:type`. */
  readonly candidates?: readonly string[];
  /** For changes from an error: its message (secret-free by construction). */
  readonly message?: string;
  /** For drift: `version_mismatch` when another adapter of the connector accepts the payload. */
  readonly hint?: string;
  /** For drift: the version of the adapter that accepts it. */
  readonly suggestedVersion?: string;
}

/** A baseline payload (or array items under it) that this run did not read. */
export interface NotExercised {
  readonly operation: string;
  readonly kind: string;
  /** An array (`data[]`) that was empty this time, so its items could not be compared. */
  readonly path?: string;
}

/** An exercise step that failed for a reason that says nothing about the contract (the check is inconclusive). */
export interface ContractRunError {
  readonly step: string;
  readonly operation?: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The result of `checkContract`: `ok` when nothing broke and every step ran.
 *
 * @example
 * ```ts
 * const report = await checkContract('contracts/acme.json', { connector: bound, exercise });
 * if (!report.ok) console.error(formatContractReport(report));
 * ```
 */
export interface ContractReport {
  /** True when there are no breaking changes and no run errors. */
  readonly ok: boolean;
  readonly connector: { readonly id: string; readonly version: string; readonly baselineVersion: string };
  readonly adapterVersion: { readonly baseline: string | null; readonly current: string | null };
  readonly recordedAt: string;
  readonly breaking: readonly ContractChange[];
  readonly additive: readonly ContractChange[];
  readonly notExercised: readonly NotExercised[];
  /** Steps that failed for other reasons (target down, auth...): the check could not conclude. */
  readonly errors: readonly ContractRunError[];
  /** Adapter switches the connector made during the check. */
  readonly switches: readonly AdapterSwitchEvent[];
}
