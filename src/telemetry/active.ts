import {
  type Context,
  context,
  createNoopMeter,
  INVALID_SPAN_CONTEXT,
  metrics,
  ProxyTracerProvider,
  type Span,
  trace,
} from '@opentelemetry/api';
import { VERSION } from '../version';
import { INSTRUMENTATION_NAME } from './names';

/**
 * The non-recording span handed to instrumented code while no tracer provider
 * is registered (what the API's no-op tracer would create, without the work).
 *
 * @example
 * ```ts
 * NON_RECORDING_SPAN.isRecording(); // false
 * ```
 */
export const NON_RECORDING_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether a span started under `parent` could be recorded or propagated: a
 * tracer provider is registered (an SDK, or any provider behind the API's
 * proxy), or `parent` carries a span whose context a child would inherit.
 * False only when the API would hand out a no-op span, so callers can skip
 * building spans (and their active contexts) entirely. Checked on every call:
 * an SDK registered later is picked up at once.
 *
 * @example
 * ```ts
 * if (!tracingActive(context.active())) return fn(NON_RECORDING_SPAN, context.active());
 * ```
 */
export function tracingActive(parent: Context = context.active()): boolean {
  const provider = trace.getTracerProvider();
  if (!(provider instanceof ProxyTracerProvider)) return true;
  if (provider.getDelegateTracer(INSTRUMENTATION_NAME, VERSION) !== undefined) return true;
  return trace.getSpan(parent) !== undefined;
}

const NoopMeter = createNoopMeter().constructor;
let checkedProvider: unknown;
let checkedActive = true;

/**
 * Whether metric instruments record anything: false while the global meter
 * provider is the API's no-op one, so callers can skip computing values and
 * attributes. Cached per provider (registering an SDK changes the provider).
 *
 * @example
 * ```ts
 * if (metricsActive()) getInstruments().retries.add(1, attributes);
 * ```
 */
export function metricsActive(): boolean {
  const provider = metrics.getMeterProvider();
  if (provider !== checkedProvider) {
    checkedProvider = provider;
    checkedActive = !(provider.getMeter(INSTRUMENTATION_NAME, VERSION) instanceof NoopMeter);
  }
  return checkedActive;
}
