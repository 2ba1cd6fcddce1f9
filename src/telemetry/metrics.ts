import { metricsActive } from './active';
import { getInstruments } from './instruments';
import { ATTR } from './names';
import { safeAttributes } from './safeAttributes';

/** Outcomes of a revocation step, as counted by `lifeline.revocations`. */
export type RevocationOutcomeLabel = 'revoked' | 'already_absent' | 'failed' | 'escalated' | 'planned';

/**
 * Counts one revocation step by outcome on `lifeline.revocations`.
 *
 * @example
 * ```ts
 * recordRevocation('revoked', { connector: 'acme', action: 'credential.revoke', verified: true });
 * ```
 */
export function recordRevocation(
  outcome: RevocationOutcomeLabel,
  info: {
    readonly connector: string;
    readonly action: string;
    readonly verified?: boolean;
    readonly tenant?: string;
  },
): void {
  if (!metricsActive()) return;
  getInstruments().revocations.add(
    1,
    safeAttributes({
      [ATTR.outcome]: outcome,
      [ATTR.connectorId]: info.connector,
      [ATTR.action]: info.action,
      [ATTR.verified]: info.verified,
      [ATTR.tenant]: info.tenant,
    }),
  );
}

/**
 * Counts one schema drift on `lifeline.schema_drift`.
 *
 * @example
 * ```ts
 * recordSchemaDrift({ connector: 'acme', adapterVersion: '2023-01', operation: 'credential.list' });
 * ```
 */
export function recordSchemaDrift(info: {
  readonly connector: string;
  readonly adapterVersion?: string;
  readonly operation?: string;
}): void {
  getInstruments().schemaDrift.add(
    1,
    safeAttributes({
      [ATTR.connectorId]: info.connector,
      [ATTR.adapterVersion]: info.adapterVersion,
      [ATTR.operation]: info.operation,
    }),
  );
}

/**
 * Counts audit events lost for good on `lifeline.audit.dropped` (reason:
 * `overflow`, `failed`, `closed`, `invalid`).
 *
 * @example
 * ```ts
 * recordAuditDropped(3, 'overflow', 'dead-letter');
 * ```
 */
export function recordAuditDropped(count: number, reason: string, sink?: string): void {
  if (count <= 0) return;
  getInstruments().auditDropped.add(
    count,
    safeAttributes({ [ATTR.auditDropReason]: reason, [ATTR.auditSink]: sink }),
  );
}

/**
 * Counts one failed (or timed-out) audit sink delivery on `lifeline.audit.sink.failures`.
 *
 * @example
 * ```ts
 * recordAuditSinkFailure('jsonl', error);
 * ```
 */
export function recordAuditSinkFailure(sink: string, errorCode: string): void {
  getInstruments().auditSinkFailures.add(
    1,
    safeAttributes({ [ATTR.auditSink]: sink, [ATTR.errorType]: errorCode }),
  );
}

/**
 * Counts events handed to the dead-letter sink on `lifeline.audit.dead_lettered`.
 *
 * @example
 * ```ts
 * recordAuditDeadLettered(10, 'jsonl', 'failed');
 * ```
 */
export function recordAuditDeadLettered(count: number, sink: string, reason: string): void {
  if (count <= 0) return;
  getInstruments().auditDeadLettered.add(
    count,
    safeAttributes({ [ATTR.auditSink]: sink, [ATTR.auditDropReason]: reason }),
  );
}
