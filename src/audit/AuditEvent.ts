import { z } from 'zod';
import { ERROR_CODES } from '../errors';
import {
  Actor,
  Attributes,
  CredentialKind,
  Id,
  Identity,
  LifecycleEvent,
  modelObject,
  Name,
  ObjectRef,
  Text,
  Timestamp,
} from '../model';

/** Version of the {@link AuditEvent} schema; bumped on any breaking change. */
export const AUDIT_SCHEMA_VERSION = 1;

/**
 * What happened. Run events frame a lifecycle run; step events record one
 * object at one target; the rest record conditions an auditor must see.
 */
export const AuditEventType = z.enum([
  'run.started',
  'run.completed',
  'run.incomplete',
  'step.started',
  'step.completed',
  'step.failed',
  'step.escalated',
  'step.planned',
  'schema.drift',
  'breaker.opened',
  'breaker.half_open',
  'breaker.closed',
  'fallback.escalated',
  'credential.static_used',
]);
/** One of {@link AuditEventType}. */
export type AuditEventType = z.infer<typeof AuditEventType>;

/** The change made (or attempted) to the target object, named like the connector operation. */
export const AuditAction = z.enum([
  'credential.revoke',
  'credential.rotate',
  'account.disable',
  'account.delete',
  'account.enable',
  'account.create',
  'account.update',
  'entitlement.revoke',
  'entitlement.grant',
  'session.revoke',
]);
/** One of {@link AuditAction}. */
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * The result of a step: see the architecture's revocation outcomes. `applied`
 * is a verified grant or account creation (joiner, mover).
 */
export const AuditOutcomeStatus = z.enum([
  'revoked',
  'already_absent',
  'applied',
  'failed',
  'escalated',
  'planned',
]);
/** One of {@link AuditOutcomeStatus}. */
export type AuditOutcomeStatus = z.infer<typeof AuditOutcomeStatus>;

/** What was read back to prove an outcome, when, and through which adapter version. */
export const AuditEvidence = modelObject({
  /** How it was checked, e.g. `read_back`, `list_absent`, `fallback_receipt`. */
  method: Name,
  /** When it was checked. */
  checkedAt: Timestamp,
  /** The adapter version that read it. */
  adapterVersion: Name.optional(),
  /** What was observed, e.g. `status=revoked` or `404`. Never a secret value. */
  observed: Text.optional(),
  /** A fallback's receipt (ticket id, queue item). */
  receipt: Text.optional(),
  details: Attributes.optional(),
});
/** The parsed {@link AuditEvidence} schema. */
export type AuditEvidence = z.infer<typeof AuditEvidence>;

/** The outcome of a step. A step counts as done only when verified, or escalated with a receipt. */
export const AuditOutcome = modelObject({
  status: AuditOutcomeStatus,
  verified: z.boolean(),
  evidence: AuditEvidence.optional(),
});
/** The parsed {@link AuditOutcome} schema. */
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** The business event an audit event belongs to (a subset of {@link LifecycleEvent}). */
export const AuditLifecycleEvent = LifecycleEvent.pick({
  id: true,
  type: true,
  reason: true,
  ticket: true,
}).extend({
  requestedAt: Timestamp.optional(),
});
/** The parsed {@link AuditLifecycleEvent} schema. */
export type AuditLifecycleEvent = z.infer<typeof AuditLifecycleEvent>;

/** The identity whose access changes (a subset of {@link Identity}). */
export const AuditSubject = Identity.pick({
  id: true,
  kind: true,
  displayName: true,
  owner: true,
  tenant: true,
});
/** The parsed {@link AuditSubject} schema. */
export type AuditSubject = z.infer<typeof AuditSubject>;

/** Where the change happened: the connector, its versions, the tenant and the object. */
export const AuditTarget = modelObject({
  connector: Id,
  connectorVersion: Name.optional(),
  adapterVersion: Name.optional(),
  tenant: Id.optional(),
  object: ObjectRef.optional(),
  /** For credentials: its kind (never its value). */
  credentialKind: CredentialKind.optional(),
  /** A human label of the object (key name, group name). */
  objectLabel: Name.optional(),
});
/** The parsed {@link AuditTarget} schema. */
export type AuditTarget = z.infer<typeof AuditTarget>;

/** The program that recorded the event (NIST AU-3 "source"). */
export const AuditSource = modelObject({
  product: Name,
  version: Name,
  host: Name.optional(),
  pid: z.int().min(0).optional(),
  /** The worker or service instance, when several share a store. */
  instance: Id.optional(),
});
/** The parsed {@link AuditSource} schema. */
export type AuditSource = z.infer<typeof AuditSource>;

const Hex = (length: number) =>
  z
    .string()
    .length(length)
    .regex(/^[0-9a-f]+$/, 'must be lowercase hex');

/** W3C trace context of the span that produced the event. */
export const AuditTrace = modelObject({
  traceId: Hex(32),
  spanId: Hex(16),
  sampled: z.boolean().optional(),
});
/** The parsed {@link AuditTrace} schema. */
export type AuditTrace = z.infer<typeof AuditTrace>;

/** The error behind a failed step: code and redacted message, never a secret. */
export const AuditError = modelObject({
  code: z.enum(ERROR_CODES),
  message: Text.optional(),
  retryable: z.boolean().optional(),
});
/** The parsed {@link AuditError} schema. */
export type AuditError = z.infer<typeof AuditError>;

/** Details of a schema drift: adapter, fingerprint and the field paths that broke. */
export const AuditDrift = modelObject({
  adapterVersion: Name.optional(),
  fingerprint: z.string().max(256).optional(),
  issues: z
    .array(modelObject({ path: z.array(z.union([z.string(), z.number()])).max(64), message: Text }))
    .max(100)
    .optional(),
});
/** The parsed {@link AuditDrift} schema. */
export type AuditDrift = z.infer<typeof AuditDrift>;

/** A breaker transition. */
export const AuditBreaker = modelObject({
  from: z.enum(['closed', 'half_open', 'open']),
  to: z.enum(['closed', 'half_open', 'open']),
});

/** A fallback escalation: which fallback and its receipt. */
export const AuditFallback = modelObject({ name: Name, receipt: Text.optional() });

const shape = {
  schemaVersion: z.literal(AUDIT_SCHEMA_VERSION),
  id: Id,
  type: AuditEventType,
  time: Timestamp,
  sequence: z.int().min(0),
  runId: Id.optional(),
  stepId: Id.optional(),
  lifecycleEvent: AuditLifecycleEvent.optional(),
  actor: Actor.optional(),
  subject: AuditSubject.optional(),
  target: AuditTarget.optional(),
  action: AuditAction.optional(),
  outcome: AuditOutcome.optional(),
  error: AuditError.optional(),
  drift: AuditDrift.optional(),
  breaker: AuditBreaker.optional(),
  fallback: AuditFallback.optional(),
  source: AuditSource,
  trace: AuditTrace.optional(),
  message: Text.optional(),
  details: Attributes.optional(),
};

function requireFields(
  event: { type: AuditEventType; outcome?: AuditOutcome | undefined; error?: unknown },
  ctx: z.core.$RefinementCtx,
) {
  const need = (key: string, present: boolean) => {
    if (!present)
      ctx.addIssue({ code: 'custom', path: [key], message: `is required for ${event.type} events` });
  };
  const record = event as Record<string, unknown>;
  if (event.type.startsWith('run.')) {
    need('runId', record.runId !== undefined);
    need('lifecycleEvent', record.lifecycleEvent !== undefined);
    need('actor', record.actor !== undefined);
  }
  if (event.type.startsWith('step.')) {
    for (const key of ['runId', 'lifecycleEvent', 'actor', 'subject', 'target', 'action'])
      need(key, record[key] !== undefined);
    if (event.type !== 'step.started') need('outcome', event.outcome !== undefined);
  }
  if (event.type === 'step.failed' || event.outcome?.status === 'failed')
    need('error', event.error !== undefined);
  if (event.type.startsWith('breaker.')) need('breaker', record.breaker !== undefined);
  if (event.type === 'schema.drift') need('drift', record.drift !== undefined);
  if (event.type === 'fallback.escalated') need('fallback', record.fallback !== undefined);
  if (
    event.type.startsWith('breaker.') ||
    event.type === 'schema.drift' ||
    event.type === 'credential.static_used'
  ) {
    need('target', record.target !== undefined);
  }
}

/**
 * One audit record: what happened (type, action), when (time), where (target,
 * source), who asked and about whom (actor, subject), why (lifecycle event),
 * and the outcome with its evidence. Covers NIST SP 800-53 AU-3; see
 * `docs/audit.md` for the mapping. Never holds a secret value.
 *
 * @example
 * ```ts
 * const event = AuditEvent.parse({
 *   schemaVersion: 1, id: crypto.randomUUID(), type: 'step.completed', time: new Date().toISOString(),
 *   sequence: 7, runId: 'run-1', lifecycleEvent, actor, subject, action: 'credential.revoke',
 *   target: { connector: 'acme', object: { connector: 'acme', kind: 'credential', id: 'k_1' } },
 *   outcome: { status: 'revoked', verified: true }, source: { product: 'lifeline', version: '0.1.0' },
 * });
 * ```
 */
export const AuditEvent = z.strictObject(shape).superRefine(requireFields);
/** The parsed {@link AuditEvent} schema. */
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * What a caller passes to `emit`: an {@link AuditEvent} without the fields the
 * emitter fills in. `schemaVersion`, `id`, `time` and `source` may still be
 * given; `sequence` may not (the emitter numbers events in emit order).
 *
 * @example
 * ```ts
 * audit.emit({ type: 'run.started', runId, lifecycleEvent, actor });
 * ```
 */
export const AuditEventInput = z
  .strictObject({
    ...shape,
    schemaVersion: shape.schemaVersion.optional(),
    id: Id.optional(),
    time: Timestamp.optional(),
    sequence: z.never().optional(),
    source: AuditSource.optional(),
  })
  .superRefine(requireFields);
/** What `emit` accepts (see {@link AuditEventInput}). */
export type AuditEventInput = z.input<typeof AuditEventInput>;
