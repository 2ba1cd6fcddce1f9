import {
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  type MeterProvider,
  metrics,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { VERSION } from '../version';
import { INSTRUMENTATION_NAME, METRICS } from './names';

/** The metric instruments Lifeline records to. */
export interface LifelineInstruments {
  readonly operationDuration: Histogram<Attributes>;
  readonly retries: Counter<Attributes>;
  readonly breakerState: Gauge<Attributes>;
  readonly schemaDrift: Counter<Attributes>;
  readonly revocations: Counter<Attributes>;
  readonly auditDropped: Counter<Attributes>;
  readonly auditSinkFailures: Counter<Attributes>;
  readonly auditDeadLettered: Counter<Attributes>;
}

let cachedProvider: MeterProvider | undefined;
let cachedInstruments: LifelineInstruments | undefined;

/**
 * The `lifeline` tracer from the global tracer provider (a no-op until the
 * application registers an SDK; the API's proxy picks the SDK up later).
 *
 * @example
 * ```ts
 * getTracer().startSpan('custom').end();
 * ```
 */
export function getTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_NAME, VERSION);
}

/**
 * The metric instruments, created once per global meter provider (the metrics
 * API has no proxy, so instruments are re-created when an SDK is registered
 * after the first call).
 *
 * @example
 * ```ts
 * getInstruments().retries.add(1, { 'lifeline.connector.id': 'acme' });
 * ```
 */
export function getInstruments(): LifelineInstruments {
  const provider = metrics.getMeterProvider();
  if (cachedInstruments !== undefined && cachedProvider === provider) return cachedInstruments;
  const meter = provider.getMeter(INSTRUMENTATION_NAME, VERSION);
  const options = (definition: { unit: string; description: string }) => ({
    unit: definition.unit,
    description: definition.description,
  });
  cachedInstruments = {
    operationDuration: meter.createHistogram(METRICS.operationDuration.name, {
      ...options(METRICS.operationDuration),
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
    }),
    retries: meter.createCounter(METRICS.retries.name, options(METRICS.retries)),
    breakerState: meter.createGauge(METRICS.breakerState.name, options(METRICS.breakerState)),
    schemaDrift: meter.createCounter(METRICS.schemaDrift.name, options(METRICS.schemaDrift)),
    revocations: meter.createCounter(METRICS.revocations.name, options(METRICS.revocations)),
    auditDropped: meter.createCounter(METRICS.auditDropped.name, options(METRICS.auditDropped)),
    auditSinkFailures: meter.createCounter(
      METRICS.auditSinkFailures.name,
      options(METRICS.auditSinkFailures),
    ),
    auditDeadLettered: meter.createCounter(
      METRICS.auditDeadLettered.name,
      options(METRICS.auditDeadLettered),
    ),
  };
  cachedProvider = provider;
  return cachedInstruments;
}
