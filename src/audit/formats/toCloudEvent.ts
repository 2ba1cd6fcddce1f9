import { formatObjectRef } from '../../model';
import type { AuditEvent } from '../AuditEvent';

/** A CloudEvents 1.0 event in structured JSON form, carrying an audit event as `data`. */
export interface AuditCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject?: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  /** Distributed Tracing extension: W3C `traceparent` of the span that produced the event. */
  readonly traceparent?: string;
  readonly data: AuditEvent;
}

/** Options of {@link toCloudEvent}. */
export interface CloudEventOptions {
  /** The CloudEvents `source` (a URI-reference). Default `urn:lifeline:<host or product>`. */
  readonly source?: string;
  /** Prefix of `type`, reverse-DNS. Default `dev.lifeline`. */
  readonly typePrefix?: string;
}

const PAST: Record<string, string> = {
  revoke: 'revoked',
  rotate: 'rotated',
  disable: 'disabled',
  delete: 'deleted',
  enable: 'enabled',
  create: 'created',
  update: 'updated',
  grant: 'granted',
};

/**
 * The CloudEvents `type` of an event: `dev.lifeline.<object>.<past tense>` for a
 * done step (`dev.lifeline.credential.revoked`), `.already_absent`, or
 * `.<verb>_failed|_escalated|_planned`; other events use their type
 * (`dev.lifeline.run.started`, `dev.lifeline.breaker.opened`).
 *
 * @example
 * ```ts
 * cloudEventType(event); // 'dev.lifeline.credential.revoked'
 * ```
 */
export function cloudEventType(event: AuditEvent, prefix = 'dev.lifeline'): string {
  if (event.action !== undefined && event.outcome !== undefined) {
    const [object, verb = ''] = event.action.split('.');
    const status = event.outcome.status;
    if (status === 'revoked' || status === 'applied') return `${prefix}.${object}.${PAST[verb] ?? verb}`;
    if (status === 'already_absent') return `${prefix}.${object}.already_absent`;
    return `${prefix}.${object}.${verb}_${status}`;
  }
  if (event.type === 'step.started' && event.action !== undefined) return `${prefix}.${event.action}.started`;
  return `${prefix}.${event.type}`;
}

/**
 * Wraps an audit event in a CloudEvents 1.0 envelope (structured mode): `id`
 * is the event id, `subject` the target object (`connector/tenant/kind/id`) or
 * the subject identity, and `traceparent` the W3C trace context when known.
 *
 * @example
 * ```ts
 * await fetch(collector, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' },
 *   body: JSON.stringify(toCloudEvent(event, { source: 'https://lifeline.example.com/prod' })) });
 * ```
 */
export function toCloudEvent(event: AuditEvent, options: CloudEventOptions = {}): AuditCloudEvent {
  const subject = event.target?.object
    ? formatObjectRef(event.target.object)
    : event.subject
      ? `identity/${encodeURIComponent(event.subject.id)}`
      : undefined;
  const trace = event.trace;
  return {
    specversion: '1.0',
    id: event.id,
    source: options.source ?? `urn:lifeline:${encodeURIComponent(event.source.host ?? event.source.product)}`,
    type: cloudEventType(event, options.typePrefix),
    time: event.time,
    ...(subject === undefined ? {} : { subject }),
    datacontenttype: 'application/json',
    dataschema: `urn:lifeline:audit-event:v${event.schemaVersion}`,
    ...(trace === undefined
      ? {}
      : { traceparent: `00-${trace.traceId}-${trace.spanId}-${trace.sampled === false ? '00' : '01'}` }),
    data: event,
  };
}
