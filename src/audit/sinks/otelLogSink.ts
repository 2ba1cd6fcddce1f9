import { z } from 'zod';
import { InvalidInputError, issuesFromZod, UnsupportedError } from '../../errors';
import { INSTRUMENTATION_NAME } from '../../telemetry/names';
import { VERSION } from '../../version';
import type { AuditEvent } from '../AuditEvent';
import type { AuditSink } from '../AuditSink';

/** The part of an OpenTelemetry `LogRecord` this sink fills. */
export interface OtelLogRecordLike {
  eventName?: string;
  timestamp?: Date;
  severityNumber?: number;
  severityText?: string;
  body?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** The part of an OpenTelemetry logger this sink uses (structural, so the root entry needs no import of api-logs). */
export interface OtelLoggerLike {
  emit(record: OtelLogRecordLike): void;
}

/** The part of an OpenTelemetry `LoggerProvider` this sink uses. */
export interface OtelLoggerProviderLike {
  getLogger(name: string, version?: string): OtelLoggerLike;
}

/** Options of {@link otelLogSink}. */
export interface OtelLogSinkOptions {
  /** The provider to use; default the global one from `@opentelemetry/api-logs` (loaded lazily). */
  readonly loggerProvider?: OtelLoggerProviderLike;
  /** Sink name. Default `otel-logs`. */
  readonly name?: string;
}

const Options = z.strictObject({
  loggerProvider: z
    .custom<OtelLoggerProviderLike>(
      (v) => typeof (v as OtelLoggerProviderLike)?.getLogger === 'function',
      'must be a LoggerProvider',
    )
    .optional(),
  name: z.string().min(1).max(128).optional(),
});

const SEVERITY = { INFO: 9, WARN: 13, ERROR: 17 } as const;

function flatten(value: unknown, prefix: string, out: Record<string, string | number | boolean>): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out[prefix] = value;
    return;
  }
  if (Array.isArray(value)) {
    out[prefix] = JSON.stringify(value);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(item, `${prefix}.${key}`, out);
  }
}

/**
 * Maps an audit event to an OpenTelemetry log record: `eventName` is
 * `lifeline.audit.<type>`, the body is a one-line summary, attributes are the
 * event's fields flattened under `lifeline.audit.*`; failures and escalations
 * are WARN, drift and static credentials WARN, the rest INFO.
 *
 * @example
 * ```ts
 * toOtelLogRecord(event).attributes?.['lifeline.audit.outcome.status']; // 'revoked'
 * ```
 */
export function toOtelLogRecord(event: AuditEvent): OtelLogRecordLike {
  const warn =
    event.outcome?.status === 'failed' ||
    event.outcome?.status === 'escalated' ||
    event.type === 'run.incomplete' ||
    event.type === 'schema.drift' ||
    event.type === 'breaker.opened' ||
    event.type === 'credential.static_used' ||
    event.type === 'fallback.escalated';
  const attributes: Record<string, string | number | boolean> = {};
  flatten(event, 'lifeline.audit', attributes);
  return {
    eventName: `lifeline.audit.${event.type}`,
    timestamp: new Date(event.time),
    severityNumber: warn ? SEVERITY.WARN : SEVERITY.INFO,
    severityText: warn ? 'WARN' : 'INFO',
    body: [event.type, event.action, event.outcome?.status, event.target?.connector, event.subject?.id]
      .filter((part) => part !== undefined)
      .join(' '),
    attributes,
  };
}

/**
 * A sink emitting OpenTelemetry log records. `@opentelemetry/api-logs` is an
 * optional peer dependency, imported on the first write only when no
 * `loggerProvider` is given; if it is missing, writes fail with an
 * `UnsupportedError` saying how to install it (and go to the dead letter).
 *
 * @example
 * ```ts
 * createAuditEmitter({ sinks: [otelLogSink()] }); // uses logs.getLoggerProvider()
 * ```
 */
export function otelLogSink(options: OtelLogSinkOptions = {}): AuditSink {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new InvalidInputError('otelLogSink options are invalid.', { issues: issuesFromZod(parsed.error) });
  }
  let logger: OtelLoggerLike | undefined;
  async function getLogger(): Promise<OtelLoggerLike> {
    if (logger) return logger;
    if (options.loggerProvider) {
      logger = options.loggerProvider.getLogger(INSTRUMENTATION_NAME, VERSION);
      return logger;
    }
    const specifier = '@opentelemetry/api-logs';
    let api: { logs: { getLogger(name: string, version?: string): OtelLoggerLike } };
    try {
      api = (await import(/* @vite-ignore */ specifier)) as typeof api;
    } catch (cause) {
      throw new UnsupportedError(
        'otelLogSink needs the optional peer dependency @opentelemetry/api-logs: run `npm install @opentelemetry/api-logs`, or pass { loggerProvider }.',
        { cause },
      );
    }
    logger = api.logs.getLogger(INSTRUMENTATION_NAME, VERSION);
    return logger;
  }
  return {
    name: options.name ?? 'otel-logs',
    async write(events) {
      const target = await getLogger();
      for (const event of events) target.emit(toOtelLogRecord(event));
    },
  };
}
