import type { AuditEventInput } from '../audit/AuditEvent';
import type { AuditEmitter } from '../audit/createAuditEmitter';
import type { BoundConnector } from '../connector/BoundConnector';
import { ERROR_CODES, type ErrorCode } from '../errors';
import type { Identity, LifecycleEvent } from '../model';
import { isoNow } from '../model/isoNow';
import { objectIdOf, type Step, type StepResult } from './Step';

/** The run-wide facts every audit event of a run repeats. */
export interface AuditScope {
  readonly audit: AuditEmitter | undefined;
  readonly runId: string;
  readonly event: LifecycleEvent;
  readonly identity?: Identity | undefined;
}

const AUDITED = new Set([
  'credential.revoke',
  'session.revoke',
  'entitlement.revoke',
  'account.disable',
  'account.delete',
  'entitlement.grant',
  'account.create',
]);

const TAXONOMY: ReadonlySet<string> = new Set(ERROR_CODES);

/** A step error's code in the taxonomy: lifecycle-only codes (`unverified`) become `permanent`; the message keeps the detail. */
function auditCodeOf(code: string): ErrorCode {
  return TAXONOMY.has(code) ? (code as ErrorCode) : 'permanent';
}

function lifecycleEventOf(event: LifecycleEvent) {
  return {
    id: event.id,
    type: event.type,
    reason: event.reason,
    requestedAt: event.requestedAt,
    ...(event.ticket === undefined ? {} : { ticket: event.ticket }),
  };
}

function subjectOf(scope: AuditScope, step: Step) {
  const identity = scope.identity;
  if (identity !== undefined) {
    return {
      id: identity.id,
      kind: identity.kind,
      ...(identity.displayName === undefined ? {} : { displayName: identity.displayName }),
      ...(identity.owner === undefined ? {} : { owner: identity.owner }),
      ...(identity.tenant === undefined ? {} : { tenant: identity.tenant }),
    };
  }
  // Emergency revocations act on accounts, not on one known identity.
  return { id: step.group, kind: 'service_account' as const };
}

/**
 * Emits the terminal audit event of a step (`step.completed`, `.escalated`,
 * `.failed` or `.planned`), with a stable id so a replay after a crash is
 * recognisable as the same event.
 */
export function auditStep(
  scope: AuditScope,
  bound: BoundConnector | undefined,
  step: Step,
  result: StepResult,
): void {
  if (scope.audit === undefined || !AUDITED.has(step.action)) return;
  const type =
    result.state === 'done'
      ? 'step.completed'
      : result.state === 'escalated'
        ? 'step.escalated'
        : result.state === 'planned'
          ? 'step.planned'
          : 'step.failed';
  const status =
    result.state === 'escalated'
      ? 'escalated'
      : result.state === 'planned'
        ? 'planned'
        : result.state !== 'done'
          ? 'failed'
          : result.outcome === 'revoked' || result.outcome === 'already_absent'
            ? result.outcome
            : result.outcome === 'applied' || result.outcome === 'already_present'
              ? 'applied'
              : 'revoked';
  const evidence = result.evidence;
  const input: AuditEventInput = {
    id: `${scope.runId}:${step.id}:${type}`.slice(0, 512),
    type,
    runId: scope.runId,
    stepId: step.id.slice(0, 512),
    lifecycleEvent: lifecycleEventOf(scope.event),
    actor: scope.event.actor,
    subject: subjectOf(scope, step),
    action: step.action as never,
    target: {
      connector: step.connector,
      ...(bound === undefined ? {} : { connectorVersion: bound.version, tenant: bound.tenant }),
      ...(result.adapterVersion === undefined ? {} : { adapterVersion: result.adapterVersion }),
      object: {
        connector: step.connector,
        ...(bound === undefined ? {} : { tenant: bound.tenant }),
        kind: step.target?.kind ?? (step.action === 'entitlement.grant' ? 'entitlement' : 'account'),
        id: (result.objectId || objectIdOf(step)).slice(0, 512),
      },
      ...(step.target?.kind === 'credential' && step.target.credential.kind !== undefined
        ? { credentialKind: step.target.credential.kind }
        : {}),
      ...(step.label === undefined ? {} : { objectLabel: step.label.slice(0, 256) }),
    },
    outcome: {
      status,
      verified: result.verified,
      ...(evidence === undefined && result.escalation === undefined
        ? {}
        : {
            evidence: {
              method: evidence?.method ?? 'fallback',
              checkedAt: evidence?.at ?? isoNow(),
              ...(result.adapterVersion === undefined ? {} : { adapterVersion: result.adapterVersion }),
              ...(evidence === undefined
                ? {}
                : {
                    observed: result.outcome === 'already_present' ? 'already_present' : evidence.observed,
                  }),
              ...(result.escalation === undefined
                ? {}
                : { receipt: result.escalation.receipt.slice(0, 4096) }),
            },
          }),
    },
    ...(result.error === undefined
      ? status === 'failed'
        ? { error: { code: 'permanent' as const, message: 'not verified' } }
        : {}
      : { error: { code: auditCodeOf(result.error.code), message: result.error.message.slice(0, 4096) } }),
    ...(result.escalation === undefined
      ? {}
      : {
          fallback: { name: result.escalation.fallback, receipt: result.escalation.receipt.slice(0, 4096) },
        }),
  };
  scope.audit.emit(input);
}

/** Emits `run.started` / `run.completed` / `run.incomplete`. */
export function auditRun(
  scope: AuditScope,
  type: 'run.started' | 'run.completed' | 'run.incomplete',
  message?: string,
  details?: Record<string, string | number | boolean | null>,
): void {
  scope.audit?.emit({
    type,
    runId: scope.runId,
    lifecycleEvent: lifecycleEventOf(scope.event),
    actor: scope.event.actor,
    ...(scope.identity === undefined
      ? {}
      : { subject: { id: scope.identity.id, kind: scope.identity.kind } }),
    ...(message === undefined ? {} : { message: message.slice(0, 4096) }),
    ...(details === undefined ? {} : { details }),
  });
}
