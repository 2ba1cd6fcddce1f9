import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

/** What the kit reads of a finished span; `ReadableSpan` of the OpenTelemetry SDK fits it. */
export interface SpanLike {
  readonly name: string;
  readonly attributes?: Attributes;
  readonly events?: readonly { readonly name: string; readonly attributes?: Attributes | undefined }[];
  readonly status?: { readonly message?: string | undefined };
}

/** Spans recorded through `@opentelemetry/api` while the kit ran. */
export interface SpanRecorder {
  /** True when the recorder is the global tracer provider (false when an SDK was already registered). */
  readonly installed: boolean;
  /** Spans started so far (ended or not). */
  spans(): readonly SpanLike[];
  /** Unregisters the recorder when it installed itself. */
  uninstall(): void;
}

interface MutableSpan {
  name: string;
  attributes: Attributes;
  events: { name: string; attributes?: Attributes | undefined }[];
  status: { message?: string | undefined };
}

let sequence = 0;

function hex(length: number): string {
  sequence++;
  return sequence.toString(16).padStart(length, '0').slice(-length);
}

function recordingSpan(record: MutableSpan): Span {
  const spanContext: SpanContext = {
    traceId: hex(32),
    spanId: hex(16),
    traceFlags: TraceFlags.SAMPLED,
  };
  const span: Span = {
    spanContext: () => spanContext,
    setAttribute(key, value) {
      if (value !== undefined) record.attributes[key] = value;
      return span;
    },
    setAttributes(attributes) {
      Object.assign(record.attributes, attributes);
      return span;
    },
    addEvent(name: string, attributes?: Attributes | TimeInput) {
      const attrs =
        attributes !== null &&
        typeof attributes === 'object' &&
        !Array.isArray(attributes) &&
        !(attributes instanceof Date)
          ? (attributes as Attributes)
          : undefined;
      record.events.push({ name, attributes: attrs });
      return span;
    },
    addLink: (_link: Link) => span,
    addLinks: (_links: Link[]) => span,
    setStatus(status: SpanStatus) {
      record.status = { message: status.message };
      return span;
    },
    updateName(name) {
      record.name = name;
      return span;
    },
    end: () => {},
    isRecording: () => true,
    recordException(exception) {
      record.events.push({
        name: 'exception',
        attributes: {
          'exception.message': typeof exception === 'string' ? exception : String(exception.message ?? ''),
        },
      });
    },
  };
  return span;
}

/**
 * Records spans through `@opentelemetry/api` alone, for the kit's "no secret
 * in any span" check when the caller passes no span collector: registers
 * itself as the global tracer provider unless an SDK already is one.
 *
 * @example
 * ```ts
 * const recorder = createSpanRecorder();
 * try { await run(); } finally { recorder.uninstall(); }
 * const names = recorder.spans().map((s) => s.name);
 * ```
 */
export function createSpanRecorder(): SpanRecorder {
  const recorded: MutableSpan[] = [];
  const startSpan = (name: string, options?: SpanOptions): Span => {
    const record: MutableSpan = {
      name,
      attributes: { ...(options?.attributes ?? {}) },
      events: [],
      status: {},
    };
    recorded.push(record);
    return recordingSpan(record);
  };
  const tracer: Tracer = {
    startSpan,
    startActiveSpan: ((name: string, ...rest: unknown[]) => {
      const fn = rest[rest.length - 1] as (span: Span) => unknown;
      const options = rest.length >= 2 ? (rest[0] as SpanOptions) : undefined;
      const parent = rest.length >= 3 ? (rest[1] as Context) : context.active();
      const span = startSpan(name, options);
      return context.with(trace.setSpan(parent, span), fn, undefined, span);
    }) as Tracer['startActiveSpan'],
  };
  const provider: TracerProvider = { getTracer: () => tracer };
  const installed = trace.setGlobalTracerProvider(provider);
  let active = installed;
  return {
    installed,
    spans: () => recorded,
    uninstall() {
      if (!active) return;
      active = false;
      trace.disable();
    },
  };
}
