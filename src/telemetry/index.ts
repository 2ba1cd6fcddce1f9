export { metricsActive, NON_RECORDING_SPAN, tracingActive } from './active';
export { instrumentOperation, type OperationTelemetry } from './instrumentOperation';
export { getInstruments, getTracer, type LifelineInstruments } from './instruments';
export {
  type RevocationOutcomeLabel,
  recordAuditDeadLettered,
  recordAuditDropped,
  recordAuditSinkFailure,
  recordRevocation,
  recordSchemaDrift,
} from './metrics';
export {
  ATTR,
  type AttributeKey,
  BREAKER_STATE_VALUES,
  type BreakerState,
  INSTRUMENTATION_NAME,
  METRICS,
  type MetricDefinition,
  SPAN_EVENTS,
  SPAN_NAMES,
} from './names';
export { type AttributeInput, errorType, safeAttributes } from './safeAttributes';
export {
  type BreakerTransitionInfo,
  type RetryInfo,
  recordAdapterSwitch,
  recordBreakerTransition,
  recordRateLimitWait,
  recordRetry,
} from './spanEvents';
export { markSpanFailed, type WithSpanOptions, withSpan } from './withSpan';
