/**
 * Additive drift: a payload that still parses but carries fields the adapter
 * does not know. The target's API moved; it has not broken (yet).
 */
export interface DriftWarningEvent {
  readonly connector: string;
  readonly tenant: string;
  readonly operation: string;
  readonly kind: string;
  readonly adapterVersion: string;
  /** Fingerprint of the new shape. */
  readonly fingerprint: string;
  /** The unknown `path:type` entries. */
  readonly additions: readonly string[];
}

/** A payload shape observed by a read (for contract baselines). */
export interface ShapeObservedEvent {
  readonly connector: string;
  readonly tenant: string;
  readonly operation: string;
  readonly kind: string;
  readonly adapterVersion: string;
  readonly fingerprint: string;
  /** Sorted `path:type` entries. */
  readonly shape: readonly string[];
}
