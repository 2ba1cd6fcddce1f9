import type { Context, Span } from '@opentelemetry/api';
import { metricsActive } from './active';
import { getInstruments } from './instruments';
import { ATTR, SPAN_NAMES } from './names';
import { errorType, safeAttributes } from './safeAttributes';
import { type WithSpanOptions, withSpan } from './withSpan';

/** What identifies one connector operation in spans and metrics. Never secrets. */
export interface OperationTelemetry {
  readonly connector: string;
  readonly operation: string;
  readonly connectorVersion?: string;
  readonly adapterVersion?: string;
  readonly tenant?: string;
  readonly idempotent?: boolean;
  readonly objectKind?: string;
  readonly objectId?: string;
  /** Parent context (the step span's), when no context manager propagates it. */
  readonly parent?: Context;
}

function spanOptions(info: OperationTelemetry): WithSpanOptions {
  return {
    ...(info.parent === undefined ? {} : { parent: info.parent }),
    attributes: () => ({
      [ATTR.connectorId]: info.connector,
      [ATTR.operation]: info.operation,
      [ATTR.connectorVersion]: info.connectorVersion,
      [ATTR.adapterVersion]: info.adapterVersion,
      [ATTR.tenant]: info.tenant,
      [ATTR.idempotent]: info.idempotent,
      [ATTR.objectKind]: info.objectKind,
      [ATTR.objectId]: info.objectId,
    }),
  };
}

/**
 * Runs one connector operation (all its attempts) inside a `lifeline.operation`
 * span and records `lifeline.operation.duration` in seconds with the connector,
 * operation and, on failure, `error.type` (the clock and attributes are skipped
 * while no meter provider is registered).
 *
 * @example
 * ```ts
 * await instrumentOperation({ connector: 'acme', operation: 'credential.revoke' },
 *   (span) => policy.execute(attempt, { idempotent: true, operation: 'credential.revoke' }));
 * ```
 */
export async function instrumentOperation<T>(
  info: OperationTelemetry,
  fn: (span: Span, ctx: Context) => Promise<T>,
): Promise<T> {
  if (!metricsActive()) return withSpan(SPAN_NAMES.operation, fn, spanOptions(info));
  const started = performance.now();
  let failure: unknown;
  let failed = false;
  try {
    return await withSpan(SPAN_NAMES.operation, fn, spanOptions(info));
  } catch (error) {
    failed = true;
    failure = error;
    throw error;
  } finally {
    const seconds = (performance.now() - started) / 1000;
    getInstruments().operationDuration.record(
      seconds,
      safeAttributes({
        [ATTR.connectorId]: info.connector,
        [ATTR.operation]: info.operation,
        [ATTR.tenant]: info.tenant,
        [ATTR.errorType]: failed ? errorType(failure) : undefined,
      }),
    );
  }
}
