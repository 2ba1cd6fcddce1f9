import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { defaultRedactor } from '../audit/createRedactor';
import { NON_RECORDING_SPAN, tracingActive } from './active';
import { getTracer } from './instruments';
import { ATTR, SPAN_EVENTS } from './names';
import { type AttributeInput, errorType, safeAttributes } from './safeAttributes';

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  /**
   * Attributes, or a function returning them; the function runs only when the
   * span is recording, so a no-op tracer costs no attribute objects.
   */
  readonly attributes?: AttributeInput | (() => AttributeInput);
  /** Parent context; defaults to the active context. Pass it where no context manager propagates spans. */
  readonly parent?: Context;
  /** Span kind; defaults to `INTERNAL`. */
  readonly kind?: SpanKind;
}

/**
 * Marks `span` as failed: status `ERROR` with the redacted message, `error.type`
 * set to the Lifeline error code, and an `exception` event (type and redacted
 * message, no stack).
 *
 * @example
 * ```ts
 * try { ... } catch (error) { markSpanFailed(span, error); throw error; }
 * ```
 */
export function markSpanFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const message = defaultRedactor.redactString(error instanceof Error ? error.message : String(error));
  const type = errorType(error);
  span.setAttribute(ATTR.errorType, type);
  span.addEvent(SPAN_EVENTS.exception, { [ATTR.exceptionType]: type, [ATTR.exceptionMessage]: message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

async function untraced<T>(fn: (span: Span, ctx: Context) => Promise<T> | T, parent: Context): Promise<T> {
  return fn(NON_RECORDING_SPAN, parent);
}

/**
 * Runs `fn` inside a new active span named `name`, ends it, and on a thrown
 * error marks it failed (see {@link markSpanFailed}) and rethrows. `fn` also
 * receives the span's context, to pass as `parent` to child spans when the
 * application has no context manager.
 *
 * @example
 * ```ts
 * await withSpan(SPAN_NAMES.run, async (span, ctx) => {
 *   await withSpan(SPAN_NAMES.step, () => revoke(), { parent: ctx });
 * }, { attributes: () => ({ [ATTR.runId]: runId }) });
 * ```
 */
export function withSpan<T>(
  name: string,
  fn: (span: Span, ctx: Context) => Promise<T> | T,
  options: WithSpanOptions = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  // No tracer provider and no parent span: the API would hand out a no-op span;
  // skip the tracer, the active-context switch and the attributes.
  if (!tracingActive(parent)) return untraced(fn, parent);
  return getTracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL },
    parent,
    async (span) => {
      if (options.attributes !== undefined && span.isRecording()) {
        const input = typeof options.attributes === 'function' ? options.attributes() : options.attributes;
        span.setAttributes(safeAttributes(input));
      }
      try {
        return await fn(span, trace.setSpan(parent, span));
      } catch (error) {
        markSpanFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
