export {
  AUDIT_SCHEMA_VERSION,
  AuditAction,
  AuditBreaker,
  AuditDrift,
  AuditError,
  AuditEvent,
  AuditEventInput,
  AuditEventType,
  AuditEvidence,
  AuditFallback,
  AuditLifecycleEvent,
  AuditOutcome,
  AuditOutcomeStatus,
  AuditSource,
  AuditSubject,
  AuditTarget,
  AuditTrace,
} from './AuditEvent';
export type { AuditSink, DeadLetterInfo, DeadLetterReason, SinkWriteContext } from './AuditSink';
export { canonicalJson } from './canonicalJson';
export {
  type AuditEmitter,
  type AuditEmitterOptions,
  type AuditEmitterStats,
  type AuditProblem,
  type AuditSinkStats,
  createAuditEmitter,
} from './createAuditEmitter';
export {
  createRedactor,
  type DetectorName,
  defaultRedactor,
  type Redactor,
  type RedactorOptions,
  SECRET_PLACEHOLDER,
  shannonEntropy,
} from './createRedactor';
export {
  type AuditCloudEvent,
  type CloudEventOptions,
  cloudEventType,
  toCloudEvent,
} from './formats/toCloudEvent';
export { toNativeJson } from './formats/toNativeJson';
export {
  OCSF_CLASSES,
  OCSF_VERSION,
  type OcsfEvent,
  type OcsfOptions,
  type OcsfUser,
  toOcsf,
} from './formats/toOcsf';
export {
  CAEP_EVENT_TYPES,
  type SecurityEventTokenOptions,
  type SecurityEventTokenPayload,
  type SetSigner,
  type SubjectIdentifier,
  signSecurityEventToken,
  toSecurityEventToken,
} from './formats/toSecurityEventToken';
export {
  CHAIN_FORMAT_VERSION,
  CHAIN_GENESIS,
  type ChainedCheckpointRecord,
  type ChainedEventRecord,
  type ChainRecord,
  type ChainRecordBody,
  hashMatches,
  sealRecord,
  sha256Hex,
} from './hashChain';
export { callbackSink } from './sinks/callbackSink';
export { type ConsoleSinkOptions, consoleSink, formatPretty, type WritableLike } from './sinks/consoleSink';
export { type JsonlSinkOptions, type JsonlSyncPolicy, jsonlSink } from './sinks/jsonlSink';
export {
  type OtelLoggerLike,
  type OtelLoggerProviderLike,
  type OtelLogRecordLike,
  type OtelLogSinkOptions,
  otelLogSink,
  toOtelLogRecord,
} from './sinks/otelLogSink';
export {
  type AuditLogBreak,
  type AuditLogBroken,
  type AuditLogOk,
  type AuditLogVerification,
  type VerifyAuditLogOptions,
  verifyAuditLog,
} from './verifyAuditLog';
