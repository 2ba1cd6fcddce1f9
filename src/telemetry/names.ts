/**
 * Every span, span event, attribute and metric name Lifeline emits. Dashboards
 * and alerts key on these strings, so they live in one file and change only
 * with a major version.
 */
import { PACKAGE_NAME } from '../version';

/** Name of the tracer and the meter: the npm package name. */
export const INSTRUMENTATION_NAME = PACKAGE_NAME;

/**
 * Span names: a lifecycle run contains steps, a step contains connector operations.
 *
 * @example
 * ```ts
 * await withSpan(SPAN_NAMES.step, () => ({ [ATTR.stepId]: 'step-1' }), async () => revoke());
 * ```
 */
export const SPAN_NAMES = {
  /** One lifecycle run (an offboarding, a rotation). */
  run: 'lifeline.run',
  /** One step of a run: one object at one target. */
  step: 'lifeline.step',
  /** One connector operation, across all its attempts. */
  operation: 'lifeline.operation',
} as const;

/**
 * Span event names: things that happen inside a span.
 *
 * @example
 * ```ts
 * span.addEvent(SPAN_EVENTS.retry, { [ATTR.attempt]: 2 });
 * ```
 */
export const SPAN_EVENTS = {
  /** An attempt failed and another one is scheduled. */
  retry: 'lifeline.retry',
  /** A circuit breaker changed state. */
  breakerTransition: 'lifeline.breaker.transition',
  /** A call waited for the rate limiter. */
  rateLimitWait: 'lifeline.rate_limit.wait',
  /** The connector switched to another adapter version. */
  adapterSwitch: 'lifeline.adapter.switch',
  /** An exception, per the OpenTelemetry semantic conventions (message redacted). */
  exception: 'exception',
} as const;

/**
 * Attribute keys. `error.type` follows the semantic conventions and holds the
 * Lifeline error code (`rate_limited`, `circuit_open`, ...).
 *
 * @example
 * ```ts
 * span.setAttribute(ATTR.connectorId, 'acme');
 * ```
 */
export const ATTR = {
  runId: 'lifeline.run.id',
  lifecycleEventId: 'lifeline.lifecycle_event.id',
  lifecycleEventType: 'lifeline.lifecycle_event.type',
  identityKind: 'lifeline.identity.kind',
  stepId: 'lifeline.step.id',
  action: 'lifeline.action',
  connectorId: 'lifeline.connector.id',
  connectorVersion: 'lifeline.connector.version',
  adapterVersion: 'lifeline.adapter.version',
  tenant: 'lifeline.tenant',
  operation: 'lifeline.operation.name',
  idempotent: 'lifeline.operation.idempotent',
  objectKind: 'lifeline.object.kind',
  objectId: 'lifeline.object.id',
  outcome: 'lifeline.outcome',
  verified: 'lifeline.verified',
  attempt: 'lifeline.attempt',
  retryDelay: 'lifeline.retry.delay',
  breakerState: 'lifeline.breaker.state',
  breakerPreviousState: 'lifeline.breaker.previous_state',
  rateLimitWait: 'lifeline.rate_limit.wait',
  adapterFrom: 'lifeline.adapter.from',
  adapterTo: 'lifeline.adapter.to',
  auditSink: 'lifeline.audit.sink',
  auditDropReason: 'lifeline.audit.drop_reason',
  /** Semantic conventions: the class of error; for Lifeline errors, the error code. */
  errorType: 'error.type',
  exceptionType: 'exception.type',
  exceptionMessage: 'exception.message',
} as const;

/** One of the {@link ATTR} keys. */
export type AttributeKey = (typeof ATTR)[keyof typeof ATTR];

/** A metric instrument's name, unit and description. */
export interface MetricDefinition {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

/**
 * Metric instruments, each with unit and description.
 *
 * @example
 * ```ts
 * meter.createHistogram(METRICS.operationDuration.name, METRICS.operationDuration);
 * ```
 */
export const METRICS = {
  operationDuration: {
    name: 'lifeline.operation.duration',
    unit: 's',
    description: 'Duration of connector operations, including retries.',
  },
  retries: {
    name: 'lifeline.retries',
    unit: '{retry}',
    description: 'Retries scheduled after a failed attempt.',
  },
  breakerState: {
    name: 'lifeline.breaker.state',
    unit: '{state}',
    description: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
  },
  schemaDrift: {
    name: 'lifeline.schema_drift',
    unit: '{event}',
    description: 'Payloads that did not match the adapter schema.',
  },
  revocations: {
    name: 'lifeline.revocations',
    unit: '{revocation}',
    description: 'Revocation steps by outcome (revoked, already_absent, failed, escalated, planned).',
  },
  auditDropped: {
    name: 'lifeline.audit.dropped',
    unit: '{event}',
    description: 'Audit events that reached neither their sink nor the dead-letter sink.',
  },
  auditSinkFailures: {
    name: 'lifeline.audit.sink.failures',
    unit: '{failure}',
    description: 'Failed or timed-out audit sink deliveries (before retries).',
  },
  auditDeadLettered: {
    name: 'lifeline.audit.dead_lettered',
    unit: '{event}',
    description: 'Audit events handed to the dead-letter sink.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Breaker states and their gauge values in {@link METRICS.breakerState}. */
export const BREAKER_STATE_VALUES = { closed: 0, half_open: 1, open: 2 } as const;

/** A circuit breaker state. */
export type BreakerState = keyof typeof BREAKER_STATE_VALUES;
