export {
  AdapterResolver,
  type AdapterSwitchEvent,
  type VersionDetection,
} from './AdapterResolver';
export {
  CANONICAL_KINDS,
  type CanonicalKind,
  isCanonicalKind,
  type ModelOf,
  type ReadResult,
} from './canonicalKinds';
export * from './contract';
export {
  type Adapter,
  type AdapterDefinition,
  defineAdapter,
  type VersionProbe,
  type WireSchemas,
} from './defineAdapter';
export { driftChanges } from './driftChanges';
export type { DriftWarningEvent, ShapeObservedEvent } from './events';
export { isKnownPath, knownPaths, WILDCARD } from './knownPaths';
export { DEFAULT_MAX_BODY_BYTES, type ReadJsonBodyOptions, readJsonBody } from './readJsonBody';
export { type ReadContext, type ReadOutcome, readPayload } from './readPayload';
export {
  ARRAY_SAMPLE,
  describeShape,
  fingerprintOf,
  type JsonType,
  jsonType,
  MAX_SHAPE_DEPTH,
  shapeFingerprint,
} from './shape';
export { VersionMismatch } from './VersionMismatch';
